using Ristbond.Board.Devices;
using Ristbond.Board.Profile;
using Ristbond.Bonding;
using Ristbond.Modems;
using Ristbond.Platform;

namespace Ristbond.Board.Logic;

/// <summary>What every indicator shows, and which slots count as failed (for power cycling), at one moment.</summary>
public sealed record BoardOutputs(IndicatorMode Streaming, IndicatorMode Error, IReadOnlyList<IndicatorMode> Slots, IReadOnlyList<bool> SlotFailed);

/// <summary>
/// The board's indicators from link and modem states: pure, with the time given (tests drive it in simulated time).
/// <list type="bullet">
/// <item>Slot: off = no modem; slow blink = modem there, link connecting or probing; fast blink = link degraded or
/// dead, or modem FAILED; solid = link live (carries its full share).</item>
/// <item>Streaming: solid while any link carries the stream; slow blink while none does (waiting for the receiver).</item>
/// <item>Error: on after a fatal error, or when no link has carried the stream for <c>error_after_no_link_s</c>.</item>
/// </list>
/// A slot is failed when it has no modem, its modem is FAILED, or its link carries nothing while another link does
/// (when every link is down the receiver or the network is the likelier culprit, and no modem is to blame). Before the
/// first report (<see cref="BoardInput.Nothing"/>) the slots are dark and none is failed.
/// </summary>
public sealed class IndicatorLogic(BoardProfile profile)
{
    readonly long _errorAfterNanos = (long)(profile.ErrorAfterNoLinkS * MonotonicClock.NanosPerSecond);
    long? _noLinkSince;

    public BoardOutputs Decide(BoardInput input, long nowNanos, bool fatal)
    {
        bool anyCarrying = input.Links.Any(l => l.State.CarriesTraffic());
        if (anyCarrying)
            _noLinkSince = null;
        else
            _noLinkSince ??= nowNanos;
        bool linkless = _noLinkSince is long since && nowNanos - since >= _errorAfterNanos;

        var slots = new IndicatorMode[profile.Slots.Count];
        var failed = new bool[profile.Slots.Count];
        bool informed = !ReferenceEquals(input, BoardInput.Nothing);
        for (int i = 0; i < slots.Length && informed; i++)
        {
            SlotStatus status = SlotStatus.Of(profile.Slots[i].Modem, input);
            slots[i] = SlotMode(status);
            failed[i] = status.Known && (!status.Present || status.Modem == ModemState.Failed
                || (status.Link?.CarriesTraffic() != true && input.Links.Any(l => l.State.CarriesTraffic())));
        }
        return new BoardOutputs(
            anyCarrying ? IndicatorMode.On : IndicatorMode.BlinkSlow,
            fatal || linkless ? IndicatorMode.On : IndicatorMode.Off,
            slots,
            failed);
    }

    static IndicatorMode SlotMode(SlotStatus status)
    {
        if (!status.Present)
            return IndicatorMode.Off;
        if (status.Modem == ModemState.Failed)
            return IndicatorMode.BlinkFast;
        return status.Link switch
        {
            LinkState.Live => IndicatorMode.On,
            LinkState.Degraded or LinkState.Dead => IndicatorMode.BlinkFast,
            _ => IndicatorMode.BlinkSlow,
        };
    }
}

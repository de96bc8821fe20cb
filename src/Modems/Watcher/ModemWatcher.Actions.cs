using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;
using Ristbond.Modems.ModemManager;
using Ristbond.Platform;

namespace Ristbond.Modems;

// The watcher's own initiatives, run after every batch of messages and once per tick: enumerate when due, read new
// bearers, keep Modem.Signal set up and its readings current, and carry out the auto-connect decisions.
public sealed partial class ModemWatcher
{
    // Between two Signal.Setup attempts on one modem (a modem that is not enabled yet refuses it).
    static readonly long s_signalSetupRetryNanos = 30 * MonotonicClock.NanosPerSecond;

    void Housekeeping(long now)
    {
        SdBusConnection bus = _bus!;
        if (_owner is null)
            return;
        if (now >= _enumerateAtNanos)
        {
            _enumerateAtNanos = long.MaxValue;
            Send(ModemManagerCalls.GetManagedObjects(bus), new PendingCall(CallKind.GetManagedObjects, _generation));
        }
        foreach (string bearer in _table.BearersToRead())
            Send(ModemManagerCalls.GetAll(bus, bearer, ModemManagerNames.Bearer), new PendingCall(CallKind.GetAllBearer, _generation, bearer));
        foreach (ModemRecord modem in _table.Modems)
            KeepSignalCurrent(bus, modem, now);
        if (_autoConnect is not null)
        {
            foreach (ModemAction action in _autoConnect.Decide(_table.Snapshot(), now))
                Act(bus, action, now);
        }
    }

    /// <summary>
    /// Asks for the configured Modem.Signal rate, and re-reads the readings when no change came for 1.5 intervals:
    /// ModemManager only signals a reading that changed, and an unchanged one (a modem sitting at -115 dBm) must
    /// not age into "unknown".
    /// </summary>
    void KeepSignalCurrent(SdBusConnection bus, ModemRecord modem, long now)
    {
        if (!modem.HasSignal)
            return;
        uint wanted = _options.SignalRateSeconds;
        if (wanted != 0 && modem.SignalRate != wanted && modem.State >= ModemState.Enabled && !modem.SignalSetupInFlight
            && (modem.LastSignalSetupNanos == long.MinValue || now - modem.LastSignalSetupNanos >= s_signalSetupRetryNanos))
        {
            modem.SignalSetupInFlight = true;
            modem.LastSignalSetupNanos = now;
            Send(ModemManagerCalls.SignalSetup(bus, modem.Path, wanted), new PendingCall(CallKind.SignalSetup, _generation, modem.Path));
        }
        if (modem.SignalRate > 0 && !modem.SignalReadInFlight
            && now - modem.LastSignalReadNanos >= modem.SignalRate * MonotonicClock.NanosPerSecond * 3 / 2)
        {
            modem.SignalReadInFlight = true;
            Send(ModemManagerCalls.GetAll(bus, modem.Path, ModemManagerNames.Signal), new PendingCall(CallKind.GetAllSignal, _generation, modem.Path));
        }
    }

    void Act(SdBusConnection bus, ModemAction action, long now)
    {
        string modem = Describe(action.Path);
        _log.LogWarning("{Modem}: {Reason}", modem, action.Reason);
        Emit(new ModemEvent(ModemEventKind.Action, now, Current.Find(action.Path), action.Reason));
        if (action.Kind == ModemActionKind.Connect)
        {
            Send(ModemManagerCalls.SimpleConnect(bus, action.Path, _autoConnect!.Options),
                new PendingCall(CallKind.Connect, _generation, action.Path, action), _autoConnect.Options.ConnectTimeout);
        }
        else
        {
            Send(ModemManagerCalls.Enable(bus, action.Path, false), new PendingCall(CallKind.ReenableOff, _generation, action.Path, action));
        }
    }

    void ActionReplied(PendingCall call, bool ok, BusError error, DBusReader reply, long now)
    {
        string modem = Describe(call.Path);
        string detail;
        switch (call.Kind)
        {
            case CallKind.Connect:
                _autoConnect!.Completed(call.Action, ok, now);
                if (ok)
                {
                    detail = reply.TryReadObjectPath(out string bearer) ? $"connected (bearer {bearer})" : "connected";
                    _log.LogInformation("{Modem}: {Detail}", modem, detail);
                }
                else
                {
                    detail = $"Simple.Connect failed: {error}; next attempt in {_autoConnect.Options.RetryInterval.TotalSeconds} s";
                    _log.LogWarning("{Modem}: {Detail}", modem, detail);
                }
                break;
            case CallKind.ReenableOff:
                // Enable(true) whatever Enable(false) said: a FAILED modem may refuse to be disabled and still enable.
                if (!ok)
                    _log.LogWarning("{Modem}: Enable(false) failed: {Error}; enabling anyway", modem, error);
                Send(ModemManagerCalls.Enable(_bus!, call.Path, true), call with { Kind = CallKind.ReenableOn });
                return;
            default:
                _autoConnect!.Completed(call.Action, ok, now);
                detail = ok ? "re-enabled" : $"Enable(true) failed: {error}";
                if (ok)
                    _log.LogInformation("{Modem}: {Detail}", modem, detail);
                else
                    _log.LogWarning("{Modem}: {Detail}", modem, detail);
                break;
        }
        Emit(new ModemEvent(ModemEventKind.Action, now, Current.Find(call.Path), detail));
    }
}

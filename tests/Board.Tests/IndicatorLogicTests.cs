using Ristbond.Board.Devices;
using Ristbond.Board.Logic;
using Ristbond.Board.Profile;
using Ristbond.Bonding;
using Ristbond.Modems;

namespace Ristbond.Board.Tests;

/// <summary>The indicator rules in simulated time: what a field operator reads off the box.</summary>
public sealed class IndicatorLogicTests
{
    const long S = 1_000_000_000;

    static readonly BoardProfile s_profile = new()
    {
        ErrorAfterNoLinkS = 10,
        Slots =
        [
            new SlotSpec { Name = "m2-a", Modem = new ModemMatch { UsbPort = "2-1" } },
            new SlotSpec { Name = "m2-b", Modem = new ModemMatch { ImeiLast4 = "3809" } },
            new SlotSpec { Name = "eth", Modem = new ModemMatch { Link = "usb-eth" } },
        ],
    };

    static ModemSnapshot Modem(string path, string device, string imei, ModemState state) => new()
    {
        Path = path,
        Device = device,
        Identity = new ModemIdentity("Quectel", "RM520N-GL", imei),
        State = state,
    };

    static readonly ModemSnapshot s_a = Modem("/mm/Modem/0", "/sys/devices/platform/soc@0/a600000.usb/xhci-hcd.0.auto/usb2/2-1", "1111", ModemState.Connected);
    static readonly ModemSnapshot s_b = Modem("/mm/Modem/1", "/sys/devices/platform/soc@0/a800000.usb/usb4/4-1", "3809", ModemState.Registered);

    [Fact]
    public void Slot_LEDs_say_empty_connecting_degraded_and_carrying()
    {
        var logic = new IndicatorLogic(s_profile);
        var input = new BoardInput(
            [new BoardLink("modem-1111", LinkState.Live, s_a.Path), new BoardLink("modem-3809", LinkState.Connecting, s_b.Path)],
            [s_a, s_b]);
        BoardOutputs outputs = logic.Decide(input, 0, fatal: false);
        Assert.Equal([IndicatorMode.On, IndicatorMode.BlinkSlow, IndicatorMode.Off], outputs.Slots);

        input = input with { Links = [new BoardLink("modem-1111", LinkState.Degraded, s_a.Path), new BoardLink("usb-eth", LinkState.Probing, null)] };
        outputs = logic.Decide(input, S, fatal: false);
        // b has no link (registered, no bearer yet): connecting; the USB-Ethernet link is probing: connecting.
        Assert.Equal([IndicatorMode.BlinkFast, IndicatorMode.BlinkSlow, IndicatorMode.BlinkSlow], outputs.Slots);

        input = new BoardInput([], [s_a with { State = ModemState.Failed }]);
        outputs = logic.Decide(input, 2 * S, fatal: false);
        Assert.Equal([IndicatorMode.BlinkFast, IndicatorMode.Off, IndicatorMode.Off], outputs.Slots);
    }

    [Fact]
    public void Modem_slots_show_nothing_and_never_fail_without_modem_information()
    {
        var logic = new IndicatorLogic(s_profile);
        BoardOutputs outputs = logic.Decide(new BoardInput([new BoardLink("usb-eth", LinkState.Live, null)], Modems: null), 0, fatal: false);
        Assert.Equal([IndicatorMode.Off, IndicatorMode.Off, IndicatorMode.On], outputs.Slots);
        Assert.Equal([false, false, false], outputs.SlotFailed);
    }

    [Fact]
    public void A_slot_fails_when_its_modem_is_gone_or_failed_or_its_link_alone_is_down()
    {
        var logic = new IndicatorLogic(s_profile);
        var input = new BoardInput(
            [new BoardLink("modem-1111", LinkState.Live, s_a.Path), new BoardLink("usb-eth", LinkState.Dead, null)],
            [s_a]);
        Assert.Equal([false, true, true], logic.Decide(input, 0, false).SlotFailed);

        // Every link down: the receiver or the network is the likelier culprit; only the missing modem counts.
        input = input with { Links = [new BoardLink("modem-1111", LinkState.Dead, s_a.Path), new BoardLink("usb-eth", LinkState.Dead, null)] };
        Assert.Equal([false, true, false], logic.Decide(input, 0, false).SlotFailed);

        input = new BoardInput([new BoardLink("usb-eth", LinkState.Live, null)], [s_a with { State = ModemState.Failed }, s_b]);
        Assert.Equal([true, true, false], logic.Decide(input, 0, false).SlotFailed);
    }

    [Fact]
    public void Before_the_first_report_no_slot_is_judged()
    {
        var logic = new IndicatorLogic(s_profile);
        BoardOutputs outputs = logic.Decide(BoardInput.Nothing, 5 * S, fatal: false);
        Assert.Equal([IndicatorMode.Off, IndicatorMode.Off, IndicatorMode.Off], outputs.Slots);
        Assert.Equal([false, false, false], outputs.SlotFailed);
        // A report without the link of a link slot is news: that slot has no link.
        Assert.Equal([false, false, true], logic.Decide(new BoardInput([new BoardLink("x", LinkState.Live, null)], null), 6 * S, false).SlotFailed);
    }

    [Fact]
    public void Streaming_is_solid_while_a_link_carries_and_blinks_while_waiting()
    {
        var logic = new IndicatorLogic(s_profile);
        Assert.Equal(IndicatorMode.BlinkSlow, logic.Decide(new BoardInput([new BoardLink("x", LinkState.Connecting, null)], null), 0, false).Streaming);
        Assert.Equal(IndicatorMode.On, logic.Decide(new BoardInput([new BoardLink("x", LinkState.Probing, null)], null), S, false).Streaming);
        Assert.Equal(IndicatorMode.On, logic.Decide(new BoardInput([new BoardLink("x", LinkState.Degraded, null)], null), 2 * S, false).Streaming);
        Assert.Equal(IndicatorMode.BlinkSlow, logic.Decide(new BoardInput([new BoardLink("x", LinkState.Dead, null)], null), 3 * S, false).Streaming);
    }

    [Fact]
    public void Error_lights_after_ten_seconds_without_a_link_and_at_once_for_a_fatal_error()
    {
        var logic = new IndicatorLogic(s_profile);
        var down = new BoardInput([new BoardLink("x", LinkState.Dead, null)], null);
        var up = new BoardInput([new BoardLink("x", LinkState.Live, null)], null);
        Assert.Equal(IndicatorMode.Off, logic.Decide(down, 0, false).Error);
        Assert.Equal(IndicatorMode.Off, logic.Decide(down, 9 * S, false).Error);
        Assert.Equal(IndicatorMode.On, logic.Decide(down, 10 * S, false).Error);
        Assert.Equal(IndicatorMode.Off, logic.Decide(up, 11 * S, false).Error);
        // The clock starts again from the next loss.
        Assert.Equal(IndicatorMode.Off, logic.Decide(down, 12 * S, false).Error);
        Assert.Equal(IndicatorMode.Off, logic.Decide(down, 21 * S, false).Error);
        Assert.Equal(IndicatorMode.On, logic.Decide(down, 22 * S, false).Error);
        Assert.Equal(IndicatorMode.On, logic.Decide(up, 23 * S, fatal: true).Error);
    }

    [Theory]
    [InlineData("2-1", "/sys/devices/platform/soc@0/a600000.usb/xhci-hcd.0.auto/usb2/2-1", true)]
    [InlineData("2-1", "/sys/devices/platform/soc@0/a600000.usb/xhci-hcd.0.auto/usb2/2-1.3", false)]
    [InlineData("1-1.3", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.3", true)]
    [InlineData("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", true)]
    [InlineData("2-1", null, false)]
    public void A_USB_port_matches_the_end_of_the_modem_device_path(string port, string? device, bool matches)
    {
        var modem = new ModemSnapshot { Path = "/m/0", Identity = ModemIdentity.Unknown, Device = device };
        Assert.Equal(matches, SlotStatus.Matches(new ModemMatch { UsbPort = port }, modem));
    }
}

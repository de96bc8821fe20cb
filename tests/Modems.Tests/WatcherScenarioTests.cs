using Ristbond.Modems.Tests.Harness;
using Ristbond.Platform;

namespace Ristbond.Modems.Tests;

/// <summary>The watcher against a real dbus-daemon and the ModemManager stand-in: what it publishes as modems come and go.</summary>
[Collection(ModemBusCollection.Name)]
public sealed class WatcherScenarioTests
{
    static readonly object s_goodLte = new { rsrp = -85.0, rsrq = -9.0, snr = 18.0, rssi = -60.0 };

    [Fact]
    public void Two_modems_at_start_are_published_with_identity_state_signal_and_bearer()
    {
        using var rig = new WatcherRig();
        string first = rig.StandIn!.AddModem("0", "356938035643809", op: "Vodafone", bearerInterface: "wwan0", lte: s_goodLte);
        string second = rig.StandIn.AddModem("1", "356938035640001", op: "Orange", bearerInterface: "wwan1", tech: (1 << 14) | (1 << 15));
        Assert.StartsWith(StandInProcess.ModemPrefix, first, StringComparison.Ordinal);
        rig.StartWatcher();

        ModemInventory inventory = rig.WaitFor(i => i.Modems.Count == 2 && i.Modems.All(m => m.ConnectedBearer is not null), "two connected modems");
        Assert.True(inventory.BusConnected);
        Assert.True(inventory.ModemManagerPresent);
        ModemSnapshot modem = inventory.Find(first)!;
        Assert.Equal(new ModemIdentity("Quectel", "EM12-G", "3809"), modem.Identity);
        Assert.Equal(ModemState.Connected, modem.State);
        Assert.Equal(AccessTechnologies.Lte, modem.AccessTechnologies);
        Assert.Equal("Vodafone", modem.OperatorName);
        Assert.Equal(RegistrationState.Home, modem.Registration);
        Assert.Equal(70u, modem.SignalQualityPercent);
        Assert.Equal(-85.0, modem.Lte!.Value.Rsrp);
        Assert.Equal(18.0, modem.Lte.Value.Snr);
        Assert.Equal(-60.0, modem.Lte.Value.Rssi);
        BearerSnapshot bearer = modem.ConnectedBearer!;
        Assert.Equal("wwan0", bearer.Interface);
        Assert.Equal("10.64.10.2", bearer.Ip4Address);
        Assert.Equal(AccessTechnologies.Lte | AccessTechnologies.Nr5g, inventory.Find(second)!.AccessTechnologies);

        // Signal.Setup(2) was asked for, and ModemManager's Rate followed.
        rig.WaitFor(i => i.Modems.All(m => m.SignalRateSeconds == 2), "Signal.Setup(2) on both modems");
        Assert.Equal(2, rig.StandIn.Calls(first, "Setup")[0][0].GetInt32());

        var events = rig.DrainEvents();
        Assert.Equal(ModemEventKind.ModemManagerAppeared, events[0].Kind);
        Assert.Equal(2, events.Count(e => e.Kind == ModemEventKind.Added));
        // The full IMEI never reaches a log line.
        Assert.DoesNotContain(rig.Log.Lines, l => l.Message.Contains("356938035643809", StringComparison.Ordinal));

        IReadOnlyList<DesiredLink> links = ModemLinkReconciler.Desired(inventory.Modems, MonotonicClock.NowNanos, TimeSpan.FromSeconds(6));
        Assert.Equal(["modem-0001", "modem-3809"], links.Select(l => l.Name));
        Assert.Equal(["wwan1", "wwan0"], links.Select(l => l.Interface));
    }

    [Fact]
    public void A_modem_plugged_in_while_running_is_added_and_one_unplugged_is_removed()
    {
        using var rig = new WatcherRig();
        string first = rig.StandIn!.AddModem("0", "356938035643809", bearerInterface: "wwan0");
        string second = rig.StandIn.AddModem("1", "356938035640001", bearerInterface: "wwan1");
        rig.StartWatcher();
        rig.WaitFor(i => i.Modems.Count == 2, "two modems");
        var seen = new List<ModemEvent>();

        string third = rig.StandIn.AddModem("2", "356938035647777", op: "Free", bearerInterface: "wwan2");
        ModemEvent added = rig.WaitForEvent(e => e.Kind == ModemEventKind.Added && e.Modem!.Path == third, "the third modem's Added event", seen);
        Assert.Equal("7777", added.Modem!.Identity.ImeiLast4);
        // Modem.Device, the sysfs path board profiles match a slot's USB port against.
        Assert.Equal("/sys/devices/usb2", added.Modem.Device);
        ModemInventory three = rig.WaitFor(i => i.Modems.Count == 3 && i.Find(third)?.ConnectedBearer is not null, "three modems, the new one connected");
        Assert.Equal("wwan2", three.Find(third)!.ConnectedBearer!.Interface);

        rig.StandIn.Send(new { cmd = "remove_modem", path = first });
        ModemEvent removed = rig.WaitForEvent(e => e.Kind == ModemEventKind.Removed, "a Removed event", seen);
        Assert.Equal(first, removed.Modem!.Path);
        ModemInventory two = rig.WaitFor(i => i.Modems.Count == 2, "two modems left");
        Assert.Equal([second, third], two.Modems.Select(m => m.Path));

        var links = ModemLinkReconciler.Desired(two.Modems, MonotonicClock.NowNanos, TimeSpan.FromSeconds(6));
        LinkPlan plan = ModemLinkReconciler.Diff(links, [new("modem-3809", "wwan0"), new("modem-0001", "wwan1")]);
        Assert.Equal(["modem-3809"], plan.Remove);
        Assert.Equal(["modem-7777"], plan.Add.Select(l => l.Name));
    }

    [Fact]
    public void A_bearer_disconnect_removes_the_link_and_a_reconnect_brings_it_back()
    {
        using var rig = new WatcherRig();
        string modem = rig.StandIn!.AddModem("0", "356938035643809", bearerInterface: "wwan0");
        rig.StartWatcher();
        rig.WaitFor(i => i.Find(modem)?.ConnectedBearer is not null, "a connected bearer");
        var seen = new List<ModemEvent>();

        rig.StandIn.ConnectBearer(modem, connected: false);
        ModemInventory down = rig.WaitFor(i => i.Find(modem) is { ConnectedBearer: null, State: ModemState.Registered }, "the bearer disconnected");
        Assert.Equal("wwan0", Assert.Single(down.Find(modem)!.Bearers).Interface);
        Assert.Null(down.Find(modem)!.Bearers[0].Ip4Address);
        Assert.Empty(ModemLinkReconciler.Desired(down.Modems, MonotonicClock.NowNanos, TimeSpan.FromSeconds(6)));
        rig.WaitForEvent(e => e.Kind == ModemEventKind.Changed && e.Modem!.ConnectedBearer is null, "a Changed event for the disconnect", seen);
        Eventually.True(() => rig.Log.Count("(Quectel EM12-G, IMEI …3809): data connection on wwan0 down") == 1, "the disconnect in the log", rig.Log.Dump);

        rig.StandIn.ConnectBearer(modem, connected: true);
        ModemInventory up = rig.WaitFor(i => i.Find(modem)?.ConnectedBearer is not null, "the bearer connected again");
        DesiredLink link = Assert.Single(ModemLinkReconciler.Desired(up.Modems, MonotonicClock.NowNanos, TimeSpan.FromSeconds(6)));
        Assert.Equal(("modem-3809", "wwan0"), (link.Name, link.Interface));
    }

    [Fact]
    public void A_signal_collapse_on_one_modem_lowers_its_signal_factor()
    {
        using var rig = new WatcherRig(signalRate: 1);
        string weak = rig.StandIn!.AddModem("0", "356938035643809", bearerInterface: "wwan0", lte: s_goodLte);
        string steady = rig.StandIn.AddModem("1", "356938035640001", bearerInterface: "wwan1", lte: s_goodLte);
        rig.StartWatcher();
        ModemInventory before = rig.WaitFor(i => i.Modems.Count == 2 && i.Modems.All(m => m.ConnectedBearer is not null), "two connected modems");
        TimeSpan stale = SignalHealth.DefaultStaleAfter(1);
        Assert.All(ModemLinkReconciler.Desired(before.Modems, MonotonicClock.NowNanos, stale), l => Assert.True(l.Signal.Factor > 0.9, $"{l.Name}: {l.Signal}"));

        rig.StandIn.SetSignal(weak, new { rsrp = -115.0, rsrq = -17.0, snr = -3.0, rssi = -95.0 });
        ModemInventory after = rig.WaitFor(i => i.Find(weak)?.Lte?.Rsrp == -115.0, "the collapsed reading");
        var links = ModemLinkReconciler.Desired(after.Modems, MonotonicClock.NowNanos, stale).ToDictionary(l => l.ModemPath);
        Assert.True(links[weak].Signal.Factor <= 0.3, $"collapsed: {links[weak].Signal}");
        Assert.True(links[steady].Signal.Factor > 0.9, $"steady: {links[steady].Signal}");
        Assert.True(links[weak].Signal.CapacityPriorBps < links[steady].Signal.CapacityPriorBps);

        // An unchanged reading is re-read (ModemManager signals only changes), so it does not age into "unknown".
        Thread.Sleep(stale + TimeSpan.FromSeconds(1));
        var later = ModemLinkReconciler.Desired(rig.Watcher!.Current.Modems, MonotonicClock.NowNanos, stale).ToDictionary(l => l.ModemPath);
        Assert.True(later[weak].Signal.Factor <= 0.3, $"after {stale}: {later[weak].Signal}");
    }
}

using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>The auto-connect decisions carried out over D-Bus: Simple.Connect and Enable calls as the stand-in receives them.</summary>
[Collection(ModemBusCollection.Name)]
public sealed class AutoConnectBusTests
{
    [Fact]
    public void A_registered_modem_is_connected_and_a_failed_one_is_re_enabled_then_connected()
    {
        var autoConnect = new AutoConnectOptions
        {
            Apn = "internet.test",
            Pin = "4711",
            StuckAfter = TimeSpan.FromSeconds(1),
            RetryInterval = TimeSpan.FromSeconds(1),
        };
        using var rig = new WatcherRig(autoConnect: autoConnect);
        string registered = rig.StandIn!.AddModem("0", "356938035643809", state: 8);
        string failed = rig.StandIn.AddModem("1", "356938035640001", state: -1);
        rig.StartWatcher();

        ModemInventory online = rig.WaitFor(i => i.Modems.Count == 2 && i.Modems.All(m => m.ConnectedBearer is not null), "both modems connected");
        Assert.Equal("wwan0", online.Find(registered)!.ConnectedBearer!.Interface);

        string connectArguments = rig.StandIn.Calls(registered, "Connect")[0][0].GetString()!;
        Assert.Contains("'apn'): dbus.String('internet.test'", connectArguments, StringComparison.Ordinal);
        Assert.Contains("'pin'): dbus.String('4711'", connectArguments, StringComparison.Ordinal);
        Assert.Equal(1, rig.StandIn.Calls(registered, "Connect").GetArrayLength());

        var enables = rig.StandIn.Calls(failed, "Enable").EnumerateArray().Select(call => call[0].GetBoolean()).ToList();
        Assert.Equal([false, true], enables);
        Assert.Equal(1, rig.StandIn.Calls(failed, "Connect").GetArrayLength());

        var events = rig.DrainEvents().Where(e => e.Kind == ModemEventKind.Action).Select(e => $"{e.Modem?.Path}: {e.Detail}").ToList();
        Assert.Contains(events, e => e.StartsWith(failed, StringComparison.Ordinal) && e.Contains("failed (none) for 1 s: re-enabling", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith(registered, StringComparison.Ordinal) && e.Contains("connected (bearer", StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Log.Lines, l => l.Message.Contains("4711", StringComparison.Ordinal));
    }
}

using Microsoft.Extensions.Logging;
using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>What goes wrong in the field: ModemManager restarting or absent, no system bus, properties that are not as documented.</summary>
[Collection(ModemBusCollection.Name)]
public sealed class WatcherRobustnessTests
{
    const string ModemInterface = "org.freedesktop.ModemManager1.Modem";
    const string SignalInterface = "org.freedesktop.ModemManager1.Modem.Signal";

    [Fact]
    public void ModemManager_restarting_is_reported_gone_then_its_modems_are_enumerated_again()
    {
        using var rig = new WatcherRig();
        rig.StandIn!.AddModem("0", "356938035643809", bearerInterface: "wwan0");
        rig.StandIn.AddModem("1", "356938035640001", bearerInterface: "wwan1");
        rig.StartWatcher();
        rig.WaitFor(i => i.Modems.Count == 2, "two modems");
        var seen = new List<ModemEvent>();
        rig.DrainEvents(seen);

        rig.StandIn.Kill();
        rig.WaitForEvent(e => e.Kind == ModemEventKind.ModemManagerVanished, "ModemManager vanished", seen);
        ModemInventory gone = rig.WaitFor(i => !i.ModemManagerPresent && i.Modems.Count == 0, "no modems while ModemManager is away");
        Assert.True(gone.BusConnected);
        rig.DrainEvents(seen);
        Assert.Equal(2, seen.Count(e => e.Kind == ModemEventKind.Removed));

        // ModemManager comes back and probes its modems again (new object paths, as the real daemon numbers anew).
        StandInProcess standIn = rig.RestartStandIn();
        standIn.AddModem("4", "356938035643809", bearerInterface: "wwan0");
        standIn.AddModem("5", "356938035640001", bearerInterface: "wwan1");
        rig.WaitForEvent(e => e.Kind == ModemEventKind.ModemManagerAppeared, "ModemManager appeared", seen);
        ModemInventory back = rig.WaitFor(i => i.ModemManagerPresent && i.Modems.Count == 2 && i.Modems.All(m => m.ConnectedBearer is not null),
            "both modems back, connected");
        Assert.Equal(["/org/freedesktop/ModemManager1/Modem/4", "/org/freedesktop/ModemManager1/Modem/5"], back.Modems.Select(m => m.Path));
        Assert.Equal(1, rig.Log.Count("ModemManager left the system D-Bus"));
        Assert.Null(rig.Watcher!.Fault);
    }

    [Fact]
    public void Properties_of_the_wrong_type_are_logged_once_and_ignored_and_missing_ones_read_as_unknown()
    {
        using var rig = new WatcherRig();
        // A modem that leaves out its identity, state and bearers entirely.
        string bare = rig.StandIn!.Send(new Dictionary<string, object>
        {
            ["cmd"] = "add_modem", ["id"] = "7", ["imei"] = "356938035647777",
            ["omit"] = new[] { "Manufacturer", "Model", "EquipmentIdentifier", "State", "Bearers", "SignalQuality" },
        });
        string modem = rig.StandIn.AddModem("0", "356938035643809", bearerInterface: "wwan0", lte: new { rsrp = -85.0, snr = 18.0 });
        rig.StartWatcher();
        ModemInventory start = rig.WaitFor(i => i.Modems.Count == 2 && i.Find(modem)?.ConnectedBearer is not null, "both modems");
        ModemSnapshot unknown = start.Find(bare)!;
        Assert.Equal(ModemIdentity.Unknown, unknown.Identity);
        Assert.Equal(ModemState.Unknown, unknown.State);
        Assert.Empty(unknown.Bearers);

        // State as a string, twice; an LTE reading whose rsrp is a string; a bearer whose Connected is a string.
        for (int i = 0; i < 2; i++)
        {
            rig.StandIn.Send(new { cmd = "set_raw", path = modem, @interface = ModemInterface, name = "State", signature = "s", value = "connected" });
            rig.StandIn.Send(new { cmd = "set_raw", path = modem, @interface = SignalInterface, name = "Lte", signature = "a{sv}",
                value = new { rsrp = "-90", snr = 12.5 }, types = new { rsrp = "s", snr = "d" } });
        }
        string bearer = rig.Watcher!.Current.Find(modem)!.ConnectedBearer!.Path;
        rig.StandIn.Send(new { cmd = "set_raw", path = bearer, @interface = "org.freedesktop.ModemManager1.Bearer", name = "Connected", signature = "s", value = "yes" });
        // …and then a good update, which must still get through.
        rig.StandIn.Send(new { cmd = "set", path = modem, @interface = "org.freedesktop.ModemManager1.Modem.Modem3gpp", properties = new { OperatorName = "Bouygues" } });

        ModemInventory after = rig.WaitFor(i => i.Find(modem)?.OperatorName == "Bouygues", "the good update after the bad ones");
        ModemSnapshot snapshot = after.Find(modem)!;
        Assert.Equal(ModemState.Connected, snapshot.State);              // the string State was ignored
        Assert.Equal(12.5, snapshot.Lte!.Value.Snr);                     // the good key of the reading was taken…
        Assert.Null(snapshot.Lte.Value.Rsrp);                            // …the bad one ignored
        Assert.NotNull(snapshot.ConnectedBearer);                        // the string Connected was ignored
        Assert.Equal(1, rig.Log.Count("property Modem.State has type 's'"));
        Assert.Equal(1, rig.Log.Count("property Signal.Lte.rsrp has type 's'"));
        Assert.Equal(1, rig.Log.Count("property Bearer.Connected has type 's'"));
        Assert.All(rig.Log.Lines.Where(l => l.Message.Contains("has type", StringComparison.Ordinal)), l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.Null(rig.Watcher.Fault);
    }

    [Fact]
    public void No_ModemManager_on_the_bus_is_said_once_and_watched_for()
    {
        using var rig = new WatcherRig(startStandIn: false);
        rig.StartWatcher();
        rig.WaitFor(i => i.BusConnected && !i.ModemManagerPresent, "connected, ModemManager absent");
        Thread.Sleep(1500); // several ticks and retry intervals: still one line, and no busy loop
        Assert.Equal(1, rig.Log.Count("ModemManager is not running"));
        Assert.Empty(rig.Watcher!.Current.Modems);
        TimeSpan cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Thread.Sleep(1000);
        TimeSpan used = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Assert.True(used < TimeSpan.FromMilliseconds(300), $"the idle watcher used {used.TotalMilliseconds} ms of CPU in 1 s");

        // It arrives late: picked up without a restart.
        StandInProcess standIn = rig.RestartStandIn();
        string modem = standIn.AddModem("0", "356938035643809", bearerInterface: "wwan0");
        rig.WaitFor(i => i.ModemManagerPresent && i.Find(modem) is not null, "the modem of the late ModemManager");
        Assert.Equal(1, rig.Log.Count("ModemManager is not running"));
    }

    [Fact]
    public void No_system_bus_is_said_once_and_the_bus_is_picked_up_when_it_appears()
    {
        string directory = PrivateSystemBus.CreateTempDirectory();
        string socket = Path.Combine(directory, "late_bus_socket");
        var log = new RecordingLogger();
        var options = new ModemWatcherOptions { BusAddress = "unix:path=" + socket, RetryInterval = TimeSpan.FromMilliseconds(300) };
        using var watcher = new ModemWatcher(options, log);
        watcher.Start();
        Eventually.True(() => log.Count("Could not connect to the system D-Bus") == 1, "the one line about the bus", log.Dump);
        Thread.Sleep(1200); // four retries
        Assert.Equal(1, log.Count("Could not connect to the system D-Bus"));
        Assert.Contains(socket, log.Lines.Single(l => l.Message.Contains("Could not connect", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.False(watcher.Current.BusConnected);

        PrivateSystemBus bus = PrivateSystemBus.Start(directory, socket);
        Eventually.Inventory(watcher, i => i.BusConnected && !i.ModemManagerPresent, "connected once the bus exists", log);
        Assert.Equal(1, log.Count("connected to the system D-Bus"));

        // The bus daemon dies under the watcher, and comes back.
        bus.Dispose();
        Eventually.Inventory(watcher, i => !i.BusConnected, "the lost connection noticed", log);
        Assert.Equal(1, log.Count("lost the system D-Bus connection"));
        Directory.CreateDirectory(directory); // the first bus took its directory with it
        using PrivateSystemBus again = PrivateSystemBus.Start(directory, socket);
        Eventually.Inventory(watcher, i => i.BusConnected, "reconnected to the new bus", log);
        Assert.Equal(2, log.Count("connected to the system D-Bus"));
        Assert.Null(watcher.Fault);
    }
}

using System.Threading.Channels;

namespace Ristbond.Modems.Tests.Harness;

/// <summary>A private bus, the ModemManager stand-in on it, and a <see cref="ModemWatcher"/> pointed at it.</summary>
public sealed class WatcherRig : IDisposable
{
    public WatcherRig(bool startStandIn = true, AutoConnectOptions? autoConnect = null, uint signalRate = 2)
    {
        Bus = PrivateSystemBus.Start();
        if (startStandIn)
            StandIn = StandInProcess.Start(Bus);
        Options = new ModemWatcherOptions
        {
            BusAddress = Bus.Address,
            SignalRateSeconds = signalRate,
            RetryInterval = TimeSpan.FromMilliseconds(500),
            TickInterval = TimeSpan.FromMilliseconds(200),
            AutoConnect = autoConnect,
        };
    }

    public PrivateSystemBus Bus { get; }
    public StandInProcess? StandIn { get; private set; }
    public RecordingLogger Log { get; } = new();
    public ModemWatcherOptions Options { get; set; }
    public ModemWatcher? Watcher { get; private set; }

    public ModemWatcher StartWatcher()
    {
        Watcher = new ModemWatcher(Options, Log);
        Watcher.Start();
        return Watcher;
    }

    public StandInProcess RestartStandIn()
    {
        StandIn?.Dispose();
        StandIn = StandInProcess.Start(Bus);
        return StandIn;
    }

    public ModemInventory WaitFor(Func<ModemInventory, bool> condition, string what) => Eventually.Inventory(Watcher!, condition, what, Log);

    /// <summary>Every event published so far (drains the channel).</summary>
    public List<ModemEvent> DrainEvents(List<ModemEvent>? into = null)
    {
        into ??= [];
        while (Watcher!.Events.TryRead(out ModemEvent? modemEvent))
            into.Add(modemEvent);
        return into;
    }

    /// <summary>Waits for an event matching <paramref name="match"/>, collecting everything read on the way into <paramref name="seen"/>.</summary>
    public ModemEvent WaitForEvent(Func<ModemEvent, bool> match, string what, List<ModemEvent> seen)
    {
        ModemEvent? found = null;
        Eventually.True(() =>
        {
            while (Watcher!.Events.TryRead(out ModemEvent? e))
            {
                seen.Add(e);
                if (found is null && match(e))
                    found = e;
            }
            return found is not null;
        }, what, () => "events: " + string.Join("\n  ", seen) + "\nlog:\n" + Log.Dump());
        return found!;
    }

    public void Dispose()
    {
        Watcher?.Dispose();
        StandIn?.Dispose();
        Bus.Dispose();
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;
using Ristbond.Modems.ModemManager;
using Ristbond.Platform;

namespace Ristbond.Modems;

/// <summary>
/// Follows ModemManager on the system D-Bus. ONE named thread ("modem-watcher") owns the bus connection and does all
/// the D-Bus work; everybody else reads immutable <see cref="ModemInventory"/> snapshots (<see cref="Current"/>) and
/// <see cref="Events"/>. Copes with no system bus and no ModemManager (says so once, keeps watching), and with
/// ModemManager leaving and coming back (its modems are removed, then enumerated again).
/// </summary>
/// <remarks>
/// If the thread dies of a bug, <see cref="Fault"/> holds the exception and <see cref="Events"/> completes with it:
/// the owner must then exit non-zero.
/// </remarks>
public sealed partial class ModemWatcher : IDisposable
{
    readonly ModemWatcherOptions _options;
    readonly ILogger _log;
    readonly Channel<ModemEvent> _events = Channel.CreateBounded<ModemEvent>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
    readonly EventFd _wake = EventFd.Create();
    readonly Thread _thread;
    readonly AutoConnectPolicy? _autoConnect;
    ModemInventory _current = ModemInventory.Initial;
    int _started;
    volatile bool _stopping;

    public ModemWatcher(ModemWatcherOptions options, ILogger logger)
    {
        _options = options;
        _log = logger;
        _autoConnect = options.AutoConnect is null ? null : new AutoConnectPolicy(options.AutoConnect);
        _reporter = new PropertyTypeReporter(logger);
        _table = new ModemTable(_reporter);
        _thread = new Thread(Run) { Name = "modem-watcher", IsBackground = true };
    }

    /// <summary>The latest inventory; a new instance after every change. Safe from any thread.</summary>
    public ModemInventory Current => Volatile.Read(ref _current);

    /// <summary>Added / removed / changed modems and ModemManager appearing and vanishing, in order (the oldest are dropped beyond 1024 unread).</summary>
    public ChannelReader<ModemEvent> Events => _events.Reader;

    /// <summary>What killed the watcher thread, if it died.</summary>
    public Exception? Fault { get; private set; }

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("The modem watcher is already started");
        _thread.Start();
    }

    /// <summary>Stops the thread (it wakes at once) and closes the bus connection.</summary>
    public void Stop()
    {
        if (_stopping)
            return;
        _stopping = true;
        if (Volatile.Read(ref _started) == 0)
            return;
        _wake.Signal();
        _thread.Join();
    }

    public void Dispose()
    {
        Stop();
        _wake.Dispose();
        _events.Writer.TryComplete();
    }

    /// <summary>Replaces <see cref="Current"/> with the table's state and emits what changed since the last publish.</summary>
    void Publish(long nowNanos)
    {
        var (added, removed, changed) = _table.TakeChanges();
        List<ModemSnapshot> modems = _table.Snapshot();
        ModemInventory previous = _current;
        var inventory = new ModemInventory
        {
            BusConnected = _bus is not null,
            ModemManagerPresent = _owner is not null,
            Modems = modems,
            Version = _current.Version + 1,
            TimeNanos = nowNanos,
        };
        Volatile.Write(ref _current, inventory);
        foreach (ModemSnapshot gone in removed)
        {
            _log.LogInformation("{Modem}: removed", gone);
            Emit(new ModemEvent(ModemEventKind.Removed, nowNanos, gone));
        }
        foreach (string path in added)
        {
            ModemSnapshot modem = inventory.Find(path)!;
            _log.LogInformation("{Modem}: added, {State}", modem, ModemManagerText.Of(modem.State));
            Emit(new ModemEvent(ModemEventKind.Added, nowNanos, modem));
        }
        foreach (string path in changed)
        {
            ModemSnapshot modem = inventory.Find(path)!;
            if (previous.Find(path) is ModemSnapshot before)
                LogTransitions(before, modem);
            Emit(new ModemEvent(ModemEventKind.Changed, nowNanos, modem));
        }
        _touched = false;
    }

    /// <summary>The changes a field engineer reads the journal for: state, and the data connection coming and going.</summary>
    void LogTransitions(ModemSnapshot before, ModemSnapshot after)
    {
        if (before.State != after.State)
        {
            string reason = after.State == ModemState.Failed ? $" ({ModemManagerText.Of(after.FailedReason)})" : "";
            _log.LogInformation("{Modem}: {Old} → {New}{Reason}", after, ModemManagerText.Of(before.State), ModemManagerText.Of(after.State), reason);
        }
        string? wasUp = before.ConnectedBearer?.Interface;
        string? isUp = after.ConnectedBearer?.Interface;
        if (wasUp != isUp)
        {
            if (isUp is not null)
                _log.LogInformation("{Modem}: data connection up on {Interface}", after, isUp);
            else
                _log.LogWarning("{Modem}: data connection on {Interface} down", after, wasUp);
        }
    }

    void Emit(ModemEvent modemEvent) => _events.Writer.TryWrite(modemEvent);

    static long Nanos(TimeSpan span) => span.Ticks * (MonotonicClock.NanosPerSecond / TimeSpan.TicksPerSecond);
}

/// <summary>The watcher's tunables, in one place.</summary>
public sealed record ModemWatcherOptions
{
    /// <summary>A D-Bus address ("unix:path=…"); null for the system bus (DBUS_SYSTEM_BUS_ADDRESS or the standard socket).</summary>
    public string? BusAddress { get; init; }

    /// <summary>The Modem.Signal rate asked for with Setup (seconds); 0 leaves ModemManager's setting alone.</summary>
    public uint SignalRateSeconds { get; init; } = 2;

    /// <summary>Timeout of the watcher's own reads (GetManagedObjects, GetAll, Setup).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an absent system bus is tried again, and a failed enumeration repeated.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connect modems and re-enable stuck ones (null: only watch).</summary>
    public AutoConnectOptions? AutoConnect { get; init; }

    /// <summary>The watcher's housekeeping period: signal re-reads, retries and auto-connect decisions.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);
}

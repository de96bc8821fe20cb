using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Runs a scenario: binds every link in the constructor (so their actual ports are known before anything
/// flows), starts them in <see cref="Start"/>, then applies the events at their times after start on one named
/// thread, sleeping on the monotonic clock until each is due.
/// </summary>
public sealed class ScenarioRunner : IDisposable
{
    // How often the event thread looks at its stop flag while waiting for the next event.
    const long StopCheckNanos = 50_000_000;

    readonly EmulatedLink[] _links;
    Thread? _eventThread;
    volatile bool _stopping;
    long _startNanos;
    int _eventsApplied;
    Exception? _fault;

    public ScenarioRunner(ScenarioFile scenario, RelayOptions? options = null)
    {
        Scenario = scenario;
        var links = new List<EmulatedLink>();
        try
        {
            foreach (LinkConfig config in scenario.Links)
                links.Add(new EmulatedLink(config, scenario.Seed, options));
        }
        catch
        {
            foreach (EmulatedLink link in links)
                link.Dispose();
            throw;
        }
        _links = [.. links];
    }

    public ScenarioFile Scenario { get; }

    /// <summary>The links in scenario order, with their actual listen endpoints.</summary>
    public IReadOnlyList<EmulatedLink> Links => _links;

    public EmulatedLink this[string name] =>
        Array.Find(_links, l => l.Name == name) ?? throw new KeyNotFoundException($"No link named {name} in the scenario.");

    /// <summary>Called on the event thread after each event is applied (for logging). Set before <see cref="Start"/>.</summary>
    public Action<ScenarioEvent>? EventApplied { get; set; }

    /// <summary>The monotonic time the scenario started at (event times count from here); 0 before Start.</summary>
    public long StartedAtNanos => Volatile.Read(ref _startNanos);

    public int EventsApplied => Volatile.Read(ref _eventsApplied);

    /// <summary>The first failure of a link loop or of the event thread; the scenario is no longer faithful.</summary>
    public Exception? Fault => Volatile.Read(ref _fault) ?? Array.Find(_links, l => l.Fault is not null)?.Fault;

    public void Start()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_eventThread is not null)
            throw new InvalidOperationException("The scenario is already started.");
        long start = MonotonicClock.NowNanos;
        Volatile.Write(ref _startNanos, start);
        foreach (EmulatedLink link in _links)
            link.Start();
        _eventThread = new Thread(() => EventLoop(start)) { IsBackground = true, Name = "emu events" };
        _eventThread.Start();
    }

    void EventLoop(long startNanos)
    {
        try
        {
            foreach (ScenarioEvent ev in Scenario.Events)
            {
                long due = startNanos + (long)(ev.AtSeconds * MonotonicClock.NanosPerSecond);
                for (long now = MonotonicClock.NowNanos; now < due; now = MonotonicClock.NowNanos)
                {
                    if (_stopping)
                        return;
                    MonotonicClock.SleepUntil(Math.Min(due, now + StopCheckNanos));
                }
                if (_stopping)
                    return;
                Apply(this[ev.Link], ev);
                Interlocked.Increment(ref _eventsApplied);
                EventApplied?.Invoke(ev);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _fault,
                new RistbondException($"The scenario event thread died: {e.Message}", ExitCodes.InternalError, e), null);
        }
    }

    /// <summary>Applies one event to a link now: profile patches first, then the blackout.</summary>
    public static void Apply(EmulatedLink link, ScenarioEvent ev)
    {
        if (ev.Up is { } up)
            link.SetUp(up.ApplyTo(link.UpProfile));
        if (ev.Down is { } down)
            link.SetDown(down.ApplyTo(link.DownProfile));
        if (ev.BlackoutSeconds is double seconds)
            link.BlackoutFor(TimeSpan.FromSeconds(seconds));
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        _eventThread?.Join(TimeSpan.FromSeconds(1));
        foreach (EmulatedLink link in _links)
            link.Dispose();
    }
}

using Ristbond.Platform;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>A source's <see cref="TsSource.Run"/> on its own thread, as the sender runs it: its end, its error, and how long it took.</summary>
public sealed class SourceRun : IDisposable
{
    readonly Thread _thread;
    readonly CancellationTokenSource _cancellation = new();

    public SourceRun(TsSource source, RecordingSink sink)
    {
        Sink = sink;
        StartedNanos = MonotonicClock.NowNanos;
        _thread = new Thread(() =>
        {
            try
            {
                source.Run(sink, _cancellation.Token);
            }
            catch (Exception e)
            {
                Error = e;
            }
            finally
            {
                EndedNanos = MonotonicClock.NowNanos;
            }
        })
        { IsBackground = true, Name = "source under test" };
        _thread.Start();
    }

    public RecordingSink Sink { get; }
    public long StartedNanos { get; }
    public long EndedNanos { get; private set; }
    public Exception? Error { get; private set; }
    public double Seconds => (EndedNanos - StartedNanos) / 1e9;

    public void Cancel() => _cancellation.Cancel();

    /// <summary>True if Run returned (or threw) within <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>Waits until <paramref name="done"/> holds, polling; false if it did not within <paramref name="timeout"/>.</summary>
    public static bool WaitFor(Func<bool> done, TimeSpan timeout)
    {
        long deadline = MonotonicClock.NowNanos + (long)timeout.TotalNanoseconds;
        while (!done())
        {
            if (MonotonicClock.NowNanos > deadline)
                return false;
            Thread.Sleep(10);
        }
        return true;
    }

    public void Dispose()
    {
        _cancellation.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        _cancellation.Dispose();
    }
}

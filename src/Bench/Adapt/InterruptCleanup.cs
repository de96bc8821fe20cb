using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// What a bench run has set up outside itself (kernel links in namespaces, sender and receiver processes), undone
/// when the bench is interrupted (SIGINT, SIGTERM, SIGHUP), so a run that is stopped leaves no namespace, veth,
/// qdisc, nft table or ristsender behind. A signal only cancels <see cref="Interrupted"/>: the run's own loop sees
/// it, throws <see cref="ThrowIfInterrupted"/>'s one line, and its finally blocks undo what it set up on the thread
/// that uses it. Should that take longer than <see cref="GraceSeconds"/>, the signal's thread undoes what is left
/// and exits. A bench killed outright leaves its kernel links to the next run's sweep of stale ones.
/// </summary>
public static class InterruptCleanup
{
    /// <summary>The longest a run takes to notice (100 ms) and undo itself (processes, namespaces: about a second).</summary>
    const int GraceSeconds = 10;

    static readonly ConcurrentDictionary<IDisposable, byte> s_live = new(ReferenceEqualityComparer.Instance);
    static readonly CancellationTokenSource s_interrupted = new();
    static readonly Lock s_lock = new();
    static PosixSignalRegistration[]? s_signals;
    static int s_signal;

    public static CancellationToken Interrupted => s_interrupted.Token;

    /// <summary>Throws the interrupt as a <see cref="RistbondException"/> with the shell's exit code for the signal (128 + its number).</summary>
    public static void ThrowIfInterrupted()
    {
        if (s_interrupted.IsCancellationRequested)
            throw new RistbondException("bench: interrupted; what it had set up is removed", 128 + s_signal);
    }

    /// <summary>Undoes <paramref name="resource"/> if the bench is interrupted and does not get to it before <see cref="Done"/>.</summary>
    public static void Register(IDisposable resource)
    {
        lock (s_lock)
        {
            s_signals ??= [.. new[] { (PosixSignal.SIGHUP, 1), (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15) }
                .Select(s => PosixSignalRegistration.Create(s.Item1, context => OnSignal(context, s.Item2)))];
        }
        s_live[resource] = 0;
    }

    /// <summary>The resource was undone in the ordinary way.</summary>
    public static void Done(IDisposable resource) => s_live.TryRemove(resource, out _);

    static void OnSignal(PosixSignalContext context, int number)
    {
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref s_signal, number, 0) != 0)
            return;
        s_interrupted.Cancel();
        new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(GraceSeconds));
            DisposeAll();
            Environment.Exit(128 + number);
        }) { IsBackground = true, Name = "bench interrupt" }.Start();
    }

    static void DisposeAll()
    {
        foreach (IDisposable resource in s_live.Keys)
        {
            try
            {
                resource.Dispose();
            }
            catch (Exception e)
            {
                // Half done, anything may fail: say what could not be undone and go on with the rest.
                Console.Error.WriteLine($"ristbond: bench: cleaning up after an interrupt: {e.Message}");
            }
            Done(resource);
        }
    }
}

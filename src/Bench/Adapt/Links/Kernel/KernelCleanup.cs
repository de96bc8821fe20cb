using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// The kernel links still set up by this process, removed when it is interrupted (SIGINT, SIGTERM, SIGHUP) or exits
/// with them in place, so a run that fails or is stopped leaves no namespace, veth, qdisc or nft table behind. A
/// process killed outright leaves them to the next run's <see cref="StaleSweep"/>.
/// </summary>
public static class KernelCleanup
{
    static readonly ConcurrentDictionary<string, byte> s_namespaces = new();
    static readonly Lock s_lock = new();
    static PosixSignalRegistration[]? s_signals;

    public static void Register(string namespaceName)
    {
        lock (s_lock)
        {
            if (s_signals is null)
            {
                s_signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, _ => RemoveAll()))];
                AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();
            }
        }
        s_namespaces[namespaceName] = 0;
    }

    public static void Remove(string namespaceName)
    {
        if (s_namespaces.TryRemove(namespaceName, out _))
            StaleSweep.Remove(namespaceName);
    }

    static void RemoveAll()
    {
        foreach (string name in s_namespaces.Keys)
            Remove(name);
    }
}

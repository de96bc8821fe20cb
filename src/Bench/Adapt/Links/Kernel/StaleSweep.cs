using Microsoft.Extensions.Logging;

namespace Ristbond.Bench.Adapt.Links.Kernel;

/// <summary>
/// Removes the kernel links of bench runs that died without cleaning up (SIGKILL, a crash): their namespaces, the
/// processes still inside them (a receiver keeps a namespace and its veths alive after its name is gone), the
/// ristsender it left in this namespace (it has no end of its own; ristbond stops at its --duration) and, with the
/// namespace, its veths, whose root ends go with their peers. A run whose process still runs is left alone.
/// </summary>
public static class StaleSweep
{
    public static void Run(ILogger log)
    {
        string? list = NetCommand.TryRun("ip", ["netns", "list"]);
        if (list is null)
            return;
        foreach (string line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ', 2)[0];
            if (KernelNames.PidOf(name) is not int pid || IsLiveBench(pid))
                continue;
            log.LogInformation("bench adapt: removing {Namespace}, left by bench process {Pid} which is gone", name, pid);
            KillSendersOf(pid, name);
            Remove(name);
        }
    }

    /// <summary>Kills what runs in the namespace and deletes it (its veths and nft table go with it).</summary>
    public static void Remove(string namespaceName)
    {
        foreach (string pid in (NetCommand.TryRun("ip", ["netns", "pids", namespaceName]) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            NetCommand.TryRun("kill", ["-9", pid.Trim()]);
        NetCommand.TryRun("ip", ["netns", "del", namespaceName]);
    }

    /// <summary>Senders in this namespace still calling the dead run's receiver addresses (its links' subnet).</summary>
    static void KillSendersOf(int pid, string namespaceName)
    {
        var names = new KernelNames(pid, namespaceName.EndsWith("-r", StringComparison.Ordinal) ? 0 : 1);
        string[] targets = [.. Enumerable.Range(0, KernelNames.SlotsPerSide).Select(i => $"rist://{names.PeerAddress(i)}:")];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int candidate))
                continue;
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (commandLine.Contains("ristsender", StringComparison.Ordinal) && targets.Any(t => commandLine.Contains(t, StringComparison.Ordinal)))
                    NetCommand.TryRun("kill", ["-9", candidate.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }
    }

    static bool IsLiveBench(int pid)
    {
        try
        {
            string commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains("bench", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

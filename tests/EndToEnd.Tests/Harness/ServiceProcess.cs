using System.Collections.Concurrent;
using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// The NativeAOT binary as the service: <c>ristbond run --config FILE</c> under a <see cref="NotifySocket"/> with a
/// watchdog, as systemd starts it, its configuration in a temporary directory (stats_json "-" puts the stats on stdout).
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    readonly ConcurrentQueue<JsonElement> _stats = new();
    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-service-").FullName;

    public ServiceProcess(string configJson, TimeSpan watchdog)
    {
        ConfigPath = Path.Combine(_directory, "ristbond.json");
        WriteConfig(configJson);
        Notify = new NotifySocket();
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = Notify.Address,
            ["WATCHDOG_USEC"] = ((long)watchdog.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Process = new ChildProcess(RistbondProcess.BinaryPath, ["run", "--config", ConfigPath], environment);
        Process.StdoutLine += line =>
        {
            if (line.StartsWith('{'))
                _stats.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
        };
    }

    public string ConfigPath { get; }
    public NotifySocket Notify { get; }
    public ChildProcess Process { get; }
    public JsonElement? LatestStats => _stats.IsEmpty ? null : _stats.Last();

    /// <summary>Replaces the configuration file (as an integrator would before systemctl reload).</summary>
    public void WriteConfig(string json) => File.WriteAllText(ConfigPath, json);

    /// <summary>Waits until a stats line from now on satisfies <paramref name="condition"/>.</summary>
    public bool WaitForStats(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int seen = _stats.Count;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            JsonElement[] lines = [.. _stats];
            for (; seen < lines.Length; seen++)
            {
                if (condition(lines[seen]))
                    return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>.</summary>
    public bool WaitForLog(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process.Stderr.Any(l => l.Contains(text, StringComparison.Ordinal)))
                return true;
            Thread.Sleep(50);
        }
        return false;
    }

    public static string[] LinkNames(JsonElement stats) =>
        [.. stats.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    public string Transcript() => $"{Process.Transcript()}\n--- notifications ---\n{Notify.Transcript()}";

    public void Dispose()
    {
        Process.Dispose();
        Notify.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

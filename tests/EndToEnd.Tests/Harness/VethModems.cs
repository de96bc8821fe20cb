using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>
/// Veth pairs standing in for modems, between two network namespaces of their own: the sender's (ristbond runs there,
/// under <see cref="SenderLauncher"/>) and the receiver's (ristreceiver, under <see cref="ReceiverLauncher"/>). Each
/// "modem" is a /30; the receiver's address is on its namespace's loopback, and the sender's routing table reaches it
/// by the first modem only: without binding, every link leaves by that one. Both namespaces are the test's own, so
/// nothing on the host changes (its routes, its rp_filter, a bench running beside) and the sender's
/// <c>net.ipv4.conf.all.rp_filter</c> is ours to set. Needs root. Names carry the test process's id (namespaces
/// <c>rbbind-PID-s</c>/<c>-r</c>, veths <c>rbb&lt;pid hex&gt;m&lt;i&gt;</c>); leftovers of a dead run are swept first.
/// </summary>
public sealed class VethModems : IDisposable
{
    const string Prefix = "rbbind-";

    readonly string _devicePrefix;
    readonly byte[] _subnet;

    public VethModems(int count, int listenPort)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 8);
        int pid = Environment.ProcessId;
        SenderNamespace = $"{Prefix}{pid}-s";
        ReceiverNamespace = $"{Prefix}{pid}-r";
        _devicePrefix = string.Create(CultureInfo.InvariantCulture, $"rbb{pid:x6}m");
        // 10.216.0.0/13 by pid: apart from the bench's kernel links (10.200.0.0/13) and from another test run.
        _subnet = [10, (byte)(216 + (pid >> 8) % 8), (byte)(pid & 0xff)];
        Interfaces = [.. Enumerable.Range(0, count).Select(i => _devicePrefix + i.ToString(CultureInfo.InvariantCulture))];
        ReceiverAddress = Address(254);
        ListenPort = listenPort;
        SweepStale();
        try
        {
            SetUp();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string SenderNamespace { get; }
    public string ReceiverNamespace { get; }
    /// <summary>The modems' interfaces, in the sender's namespace (what the ModemManager stand-in names as bearers).</summary>
    public IReadOnlyList<string> Interfaces { get; }
    public IPAddress ReceiverAddress { get; }
    public int ListenPort { get; }
    public string ReceiverUrl => $"rist://{ReceiverAddress}:{ListenPort}";
    public IReadOnlyList<string> SenderLauncher => ["ip", "netns", "exec", SenderNamespace];
    public IReadOnlyList<string> ReceiverLauncher => ["ip", "netns", "exec", ReceiverNamespace];

    IPAddress Address(int host) => new([_subnet[0], _subnet[1], _subnet[2], (byte)host]);

    void SetUp()
    {
        Run("ip", "netns", "add", SenderNamespace);
        Run("ip", "netns", "add", ReceiverNamespace);
        Run("ip", "-n", SenderNamespace, "link", "set", "lo", "up");
        Run("ip", "-n", ReceiverNamespace, "link", "set", "lo", "up");
        Run("ip", "-n", ReceiverNamespace, "addr", "add", $"{ReceiverAddress}/32", "dev", "lo");
        // The sender namespace's own "all" (copied from the host's at creation): 0, so each interface's own value is the one that applies.
        SetSysctl("all", 0);
        for (int i = 0; i < Interfaces.Count; i++)
        {
            string device = Interfaces[i], peer = device + "p";
            Run("ip", "link", "add", device, "netns", SenderNamespace, "type", "veth", "peer", "name", peer, "netns", ReceiverNamespace);
            // No IPv6 link-local address: router solicitations and MLD would be bytes charged to the link.
            Run("ip", "-n", SenderNamespace, "link", "set", device, "addrgenmode", "none");
            Run("ip", "-n", ReceiverNamespace, "link", "set", peer, "addrgenmode", "none");
            Run("ip", "-n", SenderNamespace, "addr", "add", $"{Address(4 * i + 1)}/30", "dev", device);
            Run("ip", "-n", ReceiverNamespace, "addr", "add", $"{Address(4 * i + 2)}/30", "dev", peer);
            Run("ip", "-n", SenderNamespace, "link", "set", device, "up");
            Run("ip", "-n", ReceiverNamespace, "link", "set", peer, "up");
            // Loose: the receiver's answers on a modem the route does not name are kept (what the board image sets).
            SetReversePathFilter(device, 2);
        }
        // The routing table alone sends everything to the receiver by the first modem.
        Run("ip", "-n", SenderNamespace, "route", "add", $"{ReceiverAddress}/32", "via", Address(2).ToString(), "dev", Interfaces[0]);
    }

    /// <summary>The interface the sender's routing table picks for the receiver's address (<c>ip route get</c>).</summary>
    public string RoutedInterface()
    {
        using JsonDocument json = JsonDocument.Parse(Run("ip", "-j", "-n", SenderNamespace, "route", "get", ReceiverAddress.ToString()));
        return json.RootElement[0].GetProperty("dev").GetString()!;
    }

    /// <summary>net.ipv4.conf.IF.rp_filter in the sender's namespace: 0 off, 1 strict, 2 loose.</summary>
    public void SetReversePathFilter(string device, int value) => SetSysctl(device, value);

    /// <summary>A sysctl.d file applied in the sender's namespace, as systemd-sysctl applies it at boot (globs included).</summary>
    public void ApplySysctlFile(string path) => Run("ip", "netns", "exec", SenderNamespace, "sysctl", "-q", "-p", path);

    void SetSysctl(string device, int value) =>
        Run("ip", "netns", "exec", SenderNamespace, "sysctl", "-q", "-w", $"net.ipv4.conf.{device}.rp_filter={value}");

    /// <summary>Bytes each modem's interface has sent so far (the kernel's tx_bytes), by interface.</summary>
    public IReadOnlyDictionary<string, long> TxBytes()
    {
        using JsonDocument json = JsonDocument.Parse(Run("ip", "-j", "-s", "-n", SenderNamespace, "link", "show"));
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement link in json.RootElement.EnumerateArray())
        {
            string name = link.GetProperty("ifname").GetString()!;
            if (Interfaces.Contains(name))
                bytes[name] = link.GetProperty("stats64").GetProperty("tx").GetProperty("bytes").GetInt64();
        }
        return bytes;
    }

    /// <summary>Namespaces of earlier runs whose process is gone (a killed test run leaves them behind).</summary>
    static void SweepStale()
    {
        foreach (string line in Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            string[] parts = name[Prefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int pid) && !Directory.Exists($"/proc/{pid}"))
                TryRun("ip", "netns", "del", name);
        }
    }

    static string Run(string file, params string[] arguments)
    {
        var (code, output, error) = Execute(file, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: exit {code}: {error.Trim()}");
    }

    static void TryRun(string file, params string[] arguments) => _ = Execute(file, arguments);

    static (int Code, string Output, string Error) Execute(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>The veths go with the namespaces.</summary>
    public void Dispose()
    {
        TryRun("ip", "netns", "del", SenderNamespace);
        TryRun("ip", "netns", "del", ReceiverNamespace);
    }
}

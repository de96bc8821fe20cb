using System.Globalization;
using System.Text.Json;
using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.Modems.Tests.Harness;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// One librist link bound per modem, on real interfaces: <c>ristbond send --modems</c> in a network namespace whose
/// "modems" are veth pairs into the receiver's namespace (<see cref="VethModems"/>), the ModemManager stand-in naming
/// those veths as its bearers' interfaces, and librist's real ristreceiver listening on the address the sender calls.
/// The routing table sends everything by the first modem; the bytes each veth sent (the kernel's counters) show where
/// each link's traffic really left. These tests need root (network namespaces, veth pairs, sysctl); they are skipped
/// only when not run as root, and CI runs as root.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BoundLinkTests(ITestOutputHelper output)
{
    const string NeedsRoot = "needs root: network namespaces, veth pairs and sysctl (CI runs as root)";
    const long BitrateBps = 3_000_000;
    static readonly object s_goodLte = new { rsrp = -80.0, rsrq = -8.0, snr = 22.0, rssi = -55.0 };
    static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    static readonly TimeSpan s_measured = TimeSpan.FromSeconds(8);

    [Fact]
    public void Each_modem_link_leaves_by_its_own_interface_where_the_routing_table_sends_all_by_one()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, NeedsRoot);
        using var modems = new VethModems(3, Ports.FreeUdp());
        Assert.Equal(modems.Interfaces[0], modems.RoutedInterface());
        // Strict everywhere, as some distributions default, then the drop-in the image installs: it must make every
        // modem's interface loose, or the receiver's answers on the modems the route does not name are dropped.
        modems.SetReversePathFilter("all", 1);
        foreach (string device in modems.Interfaces)
            modems.SetReversePathFilter(device, 1);
        modems.ApplySysctlFile(Path.Combine(RistbondProcess.RepositoryRoot, "packaging", "sysctl.d", "60-ristbond.conf"));
        using var bus = PrivateSystemBus.Start();
        using var standIn = StandInProcess.Start(bus);
        string[] links = [.. modems.Interfaces.Select((device, i) => AddModem(standIn, i, device))];
        using var receiver = new RistReceiver(modems.ListenPort, Ports.FreeUdp(), listenAddress: modems.ReceiverAddress.ToString(), launcher: modems.ReceiverLauncher);
        using RistbondProcess sender = StartSender(modems, bus);

        WaitForLiveLinks(sender, links, receiver);
        Thread.Sleep(2000);
        IReadOnlyDictionary<string, long> before = modems.TxBytes();
        long receivedBefore = receiver.Received;
        Thread.Sleep(s_measured);
        IReadOnlyDictionary<string, long> after = modems.TxBytes();
        long received = receiver.Received - receivedBefore;
        JsonElement stats = sender.Stats[^1];
        Stop(sender);

        long[] bytes = [.. modems.Interfaces.Select(device => after[device] - before[device])];
        long total = bytes.Sum();
        string figures = string.Join(", ", modems.Interfaces.Select((device, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{device} {bytes[i] / 1e6:0.00} MB ({(double)bytes[i] / total:P0})")));
        output.WriteLine($"bytes sent per interface over {s_measured.TotalSeconds:0} s at {BitrateBps / 1e6:0.#} Mbit/s: {figures}; the receiver got {received} datagrams");
        string context = $"{figures}\n{sender.Transcript()}\n{receiver.Transcript()}";
        // The stream and its RTCP, about 3.3 Mbit/s on the wire: nearly all of it on the veths, and no veth left out.
        Assert.True(total >= BitrateBps / 8 * s_measured.TotalSeconds * 0.8, $"only {total} bytes left by the modems' interfaces\n{context}");
        for (int i = 0; i < bytes.Length; i++)
            Assert.True(bytes[i] >= total * 0.15, $"{modems.Interfaces[i]} sent only {(double)bytes[i] / total:P0} of the bytes: its link followed the routing table\n{context}");
        foreach (string link in links)
        {
            JsonElement modem = RistbondProcess.Link(stats, link)!.Value.GetProperty("modem");
            Assert.Equal("loose", modem.GetProperty("rp_filter").GetString());
            Assert.False(modem.TryGetProperty("warning", out _), modem.ToString());
        }
        Assert.True(received > 0 && receiver.Lost == 0, $"the receiver got {received} datagrams and lost {receiver.Lost}\n{context}");
    }

    [Fact]
    public void A_strict_reverse_path_filter_is_named_with_its_fix_and_its_link_connects_once_it_is_loose()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, NeedsRoot);
        using var modems = new VethModems(2, Ports.FreeUdp());
        string strict = modems.Interfaces[1];
        modems.SetReversePathFilter(strict, 1);
        using var bus = PrivateSystemBus.Start();
        using var standIn = StandInProcess.Start(bus);
        string[] links = [.. modems.Interfaces.Select((device, i) => AddModem(standIn, i, device))];
        string fix = $"sysctl -w net.ipv4.conf.{strict}.rp_filter=2";

        // ristbond modems, in the namespace the interfaces are in: one warning line, under the strict one's bearer.
        var environment = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.Address };
        var (code, text, error) = RistbondProcess.RunToExit(["modems"], TimeSpan.FromSeconds(10), environment, modems.SenderLauncher);
        Assert.True(code == 0, string.Join('\n', error));
        string[] warnings = [.. text.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal))];
        string warning = Assert.Single(warnings);
        Assert.Contains($"warning: {strict}: the reverse-path filter is strict", warning, StringComparison.Ordinal);
        Assert.EndsWith(fix, warning, StringComparison.Ordinal);
        var (_, json, _) = RistbondProcess.RunToExit(["modems", "--json"], TimeSpan.FromSeconds(10), environment, modems.SenderLauncher);
        using (JsonDocument report = JsonDocument.Parse(json))
        {
            string[] filters = [.. report.RootElement.GetProperty("modems").EnumerateArray()
                .Select(m => m.GetProperty("bearers")[0].GetProperty("rp_filter").GetString()!)];
            Assert.Equal(["loose", "strict"], filters);
        }

        // Streaming: the receiver's answers on the strict interface are dropped, so its link never connects; the
        // stats and one log line say why, and loosening the filter while streaming brings the link up.
        using var receiver = new RistReceiver(modems.ListenPort, Ports.FreeUdp(), listenAddress: modems.ReceiverAddress.ToString(), launcher: modems.ReceiverLauncher);
        using RistbondProcess sender = StartSender(modems, bus);
        WaitForLiveLinks(sender, [links[0]], receiver);
        Thread.Sleep(3000);
        JsonElement blocked = RistbondProcess.Link(sender.Stats[^1], links[1])!.Value;
        Assert.False(IsLive(blocked), $"{links[1]} went live through a strict reverse-path filter\n{sender.Transcript()}");
        Assert.Equal("strict", blocked.GetProperty("modem").GetProperty("rp_filter").GetString());
        Assert.EndsWith(fix, blocked.GetProperty("modem").GetProperty("warning").GetString(), StringComparison.Ordinal);
        string warned = $"link {links[1]}: {strict}: the reverse-path filter is strict";
        Assert.Equal(1, CountLines(sender, warned));

        modems.SetReversePathFilter(strict, 2);
        WaitForLiveLinks(sender, links, receiver);
        Assert.True(sender.WaitForStats(s => RistbondProcess.Link(s, links[1])?.GetProperty("modem").GetProperty("rp_filter").GetString() == "loose", s_wait),
            $"the stats did not follow the loosened filter\n{sender.Transcript()}");
        Stop(sender);
        Assert.Equal(1, CountLines(sender, $"link {links[1]}: the reverse-path filter on {strict} is loose now"));
        // Said once for the whole run, not once per pass of the modem loop.
        Assert.Equal(1, CountLines(sender, warned));
    }

    static string AddModem(StandInProcess standIn, int index, string device)
    {
        string imei = string.Create(CultureInfo.InvariantCulture, $"35693803564{index + 1:0000}");
        standIn.AddModem(index.ToString(CultureInfo.InvariantCulture), imei, bearerInterface: device, lte: s_goodLte);
        return "modem-" + imei[^4..];
    }

    static RistbondProcess StartSender(VethModems modems, PrivateSystemBus bus)
    {
        string rate = BitrateBps.ToString(CultureInfo.InvariantCulture);
        return new RistbondProcess(
            ["send", "-i", "testsrc", "--bitrate", rate, "--min-bitrate", rate, "--max-bitrate", rate, "--modems", "-o", modems.ReceiverUrl],
            new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.Address },
            modems.SenderLauncher);
    }

    static bool IsLive(JsonElement link) => link.GetProperty("state").GetString() is "live" or "probing" or "degraded";

    static void WaitForLiveLinks(RistbondProcess sender, string[] names, RistReceiver receiver) =>
        Assert.True(sender.WaitForStats(s => names.All(n => RistbondProcess.Link(s, n) is JsonElement l && IsLive(l)), s_wait),
            $"links {string.Join(", ", names)} did not all carry traffic\n{sender.Transcript()}\n{receiver.Transcript()}");

    static void Stop(RistbondProcess sender)
    {
        sender.Process.Interrupt();
        Assert.True(sender.Process.WaitForExit(TimeSpan.FromSeconds(5)), "ristbond did not stop within 5 s of SIGINT\n" + sender.Transcript());
        Assert.True(sender.Process.ExitCode == 0, $"ristbond exited {sender.Process.ExitCode}\n{sender.Transcript()}");
    }

    static int CountLines(RistbondProcess sender, string text) =>
        sender.Process.Stderr.Concat(sender.Process.Stdout).Count(l => l.Contains(text, StringComparison.Ordinal));
}

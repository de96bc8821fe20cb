using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ristbond.Appliance.Cli;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// `ristbond check-ts`: what a receiver delivered of the test stream, judged packet by packet, printed as JSON. Files are
/// the test stream as TestPatternGenerator writes it, damaged the way links damage it; the live case listens on a real
/// loopback UDP socket.
/// </summary>
public sealed class CheckTsTests : IDisposable
{
    const int Datagrams = 500;
    readonly string _directory = Directory.CreateTempSubdirectory("check-ts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static (int Code, JsonElement? Report, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = RistbondCli.Run(args, error, output);
        JsonElement? report = output.ToString().Length > 0 ? JsonDocument.Parse(output.ToString()).RootElement.Clone() : null;
        return (code, report, error.ToString().TrimEnd('\n'));
    }

    /// <summary>The test stream as datagrams, one per simulated millisecond.</summary>
    static List<byte[]> Generate(int count, long startNanos = 0)
    {
        var generator = new TestPatternGenerator();
        var datagrams = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] datagram = new byte[TsPacket.DatagramSize];
            generator.WriteDatagram(datagram, startNanos + i * 1_000_000L);
            datagrams.Add(datagram);
        }
        return datagrams;
    }

    static int DataPacketsIn(byte[] datagram) =>
        Enumerable.Range(0, TsPacket.PacketsPerDatagram).Count(i => TsPacket.Pid(datagram.AsSpan(i * TsPacket.Size, TsPacket.Size)) == TestPattern.DataPid);

    string Write(string name, IEnumerable<byte[]> datagrams)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, datagrams.SelectMany(d => d).ToArray());
        return path;
    }

    [Fact]
    public void A_clean_file_reports_every_data_packet_and_no_error()
    {
        List<byte[]> datagrams = Generate(Datagrams);
        int data = datagrams.Sum(DataPacketsIn);

        var (code, report, error) = Run("check-ts", Write("clean.ts", datagrams));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        JsonElement r = report!.Value;
        Assert.Equal(Datagrams * TsPacket.PacketsPerDatagram, r.GetProperty("ts_packets").GetInt64());
        Assert.Equal(data, r.GetProperty("data_packets").GetInt64());
        Assert.Equal(data - 1, r.GetProperty("last_sequence").GetInt64());
        foreach (string zero in new[] { "missing", "longest_gap", "out_of_order", "corrupt", "cc_errors", "sync_errors" })
            Assert.Equal(0, r.GetProperty(zero).GetInt64());
        Assert.False(r.TryGetProperty("latency_ms", out _), "a file has no arrival times");
    }

    [Fact]
    public void A_lost_datagram_shows_as_missing_data_packets_and_continuity_breaks()
    {
        List<byte[]> datagrams = Generate(Datagrams);
        int lost = DataPacketsIn(datagrams[200]);
        datagrams.RemoveAt(200);

        var (code, report, _) = Run("check-ts", Write("lost.ts", datagrams));

        Assert.Equal(0, code);
        JsonElement r = report!.Value;
        Assert.True(lost > 0);
        Assert.Equal(lost, r.GetProperty("missing").GetInt64());
        Assert.Equal(lost, r.GetProperty("longest_gap").GetInt64());
        Assert.True(r.GetProperty("cc_errors").GetInt64() >= 1);
        Assert.Equal(0, r.GetProperty("corrupt").GetInt64());
    }

    [Fact]
    public void A_repeated_datagram_is_out_of_order_and_a_damaged_one_corrupt()
    {
        List<byte[]> datagrams = Generate(Datagrams);
        datagrams.Insert(301, datagrams[300]);
        int damaged = Enumerable.Range(0, TsPacket.PacketsPerDatagram).First(i => TsPacket.Pid(datagrams[100].AsSpan(i * TsPacket.Size)) == TestPattern.DataPid);
        datagrams[100][damaged * TsPacket.Size + TsPacket.Size - 1] ^= 0xFF;

        var (_, report, _) = Run("check-ts", Write("damaged.ts", datagrams));

        JsonElement r = report!.Value;
        Assert.Equal(DataPacketsIn(datagrams[300]), r.GetProperty("out_of_order").GetInt64());
        Assert.Equal(1, r.GetProperty("corrupt").GetInt64());
    }

    [Fact]
    public void A_file_that_is_not_TS_is_one_line_naming_it()
    {
        string path = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("not a transport stream\n", 100)));

        var (code, report, error) = Run("check-ts", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(report);
        Assert.Equal($"ristbond: check-ts {path}: not MPEG-TS (no 0x47 sync byte every 188 bytes in its first 2300 bytes)", error);
    }

    [Fact]
    public void A_missing_file_is_one_line_naming_it()
    {
        string path = Path.Combine(_directory, "absent.ts");

        var (code, _, error) = Run("check-ts", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith($"ristbond: check-ts {path}: cannot open: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task A_live_stream_is_checked_until_it_falls_quiet_with_its_latency()
    {
        int port = FreeUdpPort();
        Task<(int Code, JsonElement? Report, string Error)> check = Task.Run(() => Run("check-ts", $"udp://@127.0.0.1:{port}", "--idle", "0.3s", "--wait", "20s"));
        WaitUntilBound(port, check);
        List<byte[]> datagrams = Generate(Datagrams, MonotonicClock.NowNanos);
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var target = new IPEndPoint(IPAddress.Loopback, port);
            foreach (byte[] datagram in datagrams)
                sender.SendTo(datagram, target);
        }

        var (code, report, error) = await check;

        Assert.True(code == 0, error);
        JsonElement r = report!.Value;
        Assert.Equal(datagrams.Sum(DataPacketsIn), r.GetProperty("data_packets").GetInt64());
        Assert.Equal(0, r.GetProperty("missing").GetInt64());
        Assert.Equal((long)Datagrams * TsPacket.DatagramSize, r.GetProperty("bytes").GetInt64());
        Assert.True(r.GetProperty("latency_ms").GetProperty("max").GetDouble() >= 0);
    }

    [Fact]
    public void Nothing_arriving_is_a_failure_that_says_how_long_it_waited()
    {
        int port = FreeUdpPort();

        var (code, report, error) = Run("check-ts", $"udp://@127.0.0.1:{port}", "--wait", "0.2s");

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Null(report);
        Assert.Equal($"ristbond: check-ts udp://@127.0.0.1:{port}: no TS arrived within 0.2 s", error);
    }

    static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Until check-ts holds the port, so nothing is sent before it listens. Read from /proc/net/udp: binding the port
    /// ourselves to find out would race with check-ts's own bind.
    /// </summary>
    static void WaitUntilBound(int port, Task running)
    {
        string local = $"0100007F:{port:X4}";
        for (int i = 0; i < 2000 && !running.IsCompleted; i++)
        {
            if (File.ReadLines("/proc/net/udp").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == local))
                return;
            Thread.Sleep(10);
        }
        Assert.Fail(running.IsCompleted ? $"check-ts ended before anything was sent: {((Task<(int, JsonElement?, string)>)running).Result}" : $"check-ts did not bind port {port}");
    }
}

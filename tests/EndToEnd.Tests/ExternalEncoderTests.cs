using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ristbond.EndToEnd.Tests.Harness;
using Ristbond.LinkEmulator;
using Ristbond.MpegTs;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// An encoder ristbond does not drive (TS over UDP) sends more than the links carry: ristbond tells it the bitrate
/// to go to, by a command and by a UDP datagram, as an encoder integration would listen for it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ExternalEncoderTests
{
    const long EncoderBps = 6_000_000;

    [Fact]
    public void The_recommended_bitrate_reaches_an_external_encoder_by_command_and_by_udp()
    {
        using var setup = new BondedSetup(
        [
            ("a", new DirectionProfile { RateBps = 2_000_000, DelayMs = 20, QueueMs = 250 }, new DirectionProfile { DelayMs = 20 }),
            ("b", new DirectionProfile { RateBps = 2_000_000, DelayMs = 30, QueueMs = 250 }, new DirectionProfile { DelayMs = 30 }),
        ]);
        int inputPort = Ports.FreeUdp();
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int listenerPort = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        string commandLog = Path.Combine(Path.GetTempPath(), $"ristbond-bitrate-{Environment.ProcessId}-{inputPort}.log");
        File.Delete(commandLog);
        using var encoder = new PacedTsSender(inputPort, EncoderBps);
        try
        {
            setup.Start(
            [
                "send", "-i", $"udp://@127.0.0.1:{inputPort}", "--min-bitrate", "500k", "--max-bitrate", "8M",
                "-o", string.Join(',', setup.Links.Select(l => BondedSetup.UrlThrough(l))),
                "--bitrate-udp", $"127.0.0.1:{listenerPort}",
                "--bitrate-command", $"echo \"$RISTBOND_BITRATE_BPS\" >> '{commandLog}'; echo",
            ], environment: null);
            setup.WaitForLive(2);

            // Two 2 Mbps links cannot carry the encoder's 6 Mbps: the recommendation must say so, below 4 Mbps.
            long told = ReceiveRecommendation(listener, bps => bps < 4_000_000, TimeSpan.FromSeconds(15));
            Assert.InRange(told, 500_000, 4_000_000);
            Assert.True(setup.Sender.WaitForStats(s => s.GetProperty("recommended_bitrate_bps").GetInt64() < 4_000_000, TimeSpan.FromSeconds(5)),
                setup.Sender.Transcript());
            Assert.Contains(setup.Sender.Stats, s => s.TryGetProperty("events", out JsonElement events)
                && events.EnumerateArray().Any(e => e.GetProperty("type").GetString() == "congestion-control"));

            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            long[] commanded = [];
            while (DateTime.UtcNow < deadline && !commanded.Any(b => b < 4_000_000))
            {
                Thread.Sleep(200);
                commanded = File.Exists(commandLog)
                    ? [.. File.ReadAllLines(commandLog).Where(l => l.Length > 0).Select(l => long.Parse(l, CultureInfo.InvariantCulture))]
                    : [];
            }
            Assert.True(commanded.Any(b => b is >= 500_000 and < 4_000_000),
                $"the command was run with [{string.Join(", ", commanded)}]\n{setup.Sender.Transcript()}");
            // The encoder is not ristbond's to set: what the stream carries is still what the encoder sends.
            Assert.True(setup.Sender.Stats[^1].GetProperty("bitrate_bps").GetInt64() > 5_000_000, setup.Sender.Transcript());
        }
        finally
        {
            File.Delete(commandLog);
        }
    }

    static long ReceiveRecommendation(UdpClient listener, Func<long, bool> wanted, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        var seen = new List<long>();
        listener.Client.ReceiveTimeout = 500;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                IPEndPoint? from = null;
                byte[] datagram = listener.Receive(ref from);
                using var json = JsonDocument.Parse(datagram);
                long bps = json.RootElement.GetProperty("recommended_bitrate_bps").GetInt64();
                seen.Add(bps);
                if (wanted(bps))
                    return bps;
            }
            catch (SocketException)
            {
                // Receive timeout: keep waiting until the deadline.
            }
        }
        Assert.Fail($"no recommendation below 4 Mbps arrived by UDP; got [{string.Join(", ", seen)}]");
        return 0;
    }

    /// <summary>An encoder stand-in: null TS packets, 7 per datagram, paced to a bitrate, to a UDP port.</summary>
    sealed class PacedTsSender : IDisposable
    {
        readonly Thread _thread;
        volatile bool _stop;

        public PacedTsSender(int port, long bitsPerSecond)
        {
            _thread = new Thread(() => Run(port, bitsPerSecond)) { IsBackground = true, Name = "encoder stand-in" };
            _thread.Start();
        }

        void Run(int port, long bitsPerSecond)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, port);
            byte[] datagram = new byte[TsPacket.DatagramSize];
            long interval = (long)(TsPacket.DatagramSize * 8.0 / bitsPerSecond * TimeSpan.TicksPerSecond);
            long due = DateTime.UtcNow.Ticks;
            byte counter = 0;
            while (!_stop)
            {
                for (int i = 0; i < TsPacket.PacketsPerDatagram; i++)
                    TsPacket.WriteHeader(datagram.AsSpan(i * TsPacket.Size), TsPacket.NullPid, false, false, true, (byte)(counter++ & 0x0F));
                socket.SendTo(datagram, target);
                due += interval;
                long wait = due - DateTime.UtcNow.Ticks;
                if (wait > TimeSpan.TicksPerMillisecond)
                    Thread.Sleep(TimeSpan.FromTicks(wait));
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Bench;

/// <summary>
/// Whole-process cost, side by side in one run: ristbond and librist's ristsender each carry the same UDP TS input
/// over the same number of links to their own ristreceiver. CPU seconds per Mbit carried (from /proc) and peak RSS.
/// </summary>
public static class ProcessBench
{
    public sealed record Side(string Program, double CpuSeconds, double MbitCarried, long PeakRssBytes, long DeliveredBytes)
    {
        public double CpuSecondsPerMbit => CpuSeconds / MbitCarried;
    }

    public sealed record Result(long BitrateBps, int Links, double Seconds, Side Ristsender, Side Ristbond);

    public static Result Run(long bitrateBps, int links, double seconds, ILogger log)
    {
        using var ristsenderOut = new UdpCounter();
        using var ristbondOut = new UdpCounter();
        int ristsenderReceiverPort = UdpCounter.FreePort(), ristbondReceiverPort = UdpCounter.FreePort();
        int ristsenderInput = UdpCounter.FreePort(), ristbondInput = UdpCounter.FreePort();
        using var receiverA = ChildProcess.RistReceiver(ristsenderReceiverPort, ristsenderOut.Port);
        using var receiverB = ChildProcess.RistReceiver(ristbondReceiverPort, ristbondOut.Port);
        using var ristsender = ChildProcess.RistSender($"udp://@127.0.0.1:{ristsenderInput}",
            string.Join(',', Enumerable.Range(0, links).Select(_ => $"rist://127.0.0.1:{ristsenderReceiverPort}?weight=1")));
        using var ristbond = ChildProcess.Ristbond(["send", "-q", "-i", $"udp://127.0.0.1:{ristbondInput}", "-o",
            string.Join(',', Enumerable.Range(1, links).Select(i => $"rist://127.0.0.1:{ristbondReceiverPort}?name=link{i}"))]);

        using var feeding = new CancellationTokenSource();
        var feeder = new Thread(() => Feed(bitrateBps, [ristsenderInput, ristbondInput], feeding.Token)) { IsBackground = true, Name = "bench-feed" };
        feeder.Start();
        try
        {
            Thread.Sleep(3000); // both connected and steady
            CheckAlive(ristsender, "ristsender");
            CheckAlive(ristbond, "ristbond");
            double cpuA = ProcessStats.CpuSeconds(ristsender.Id), cpuB = ProcessStats.CpuSeconds(ristbond.Id);
            long outA = ristsenderOut.Bytes, outB = ristbondOut.Bytes;
            log.LogInformation("bench: measuring {Seconds} s at {Rate} over {Links} links", seconds, Units.FormatBitrate(bitrateBps), links);
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            double mbit = bitrateBps * seconds / 1e6;
            var a = new Side("ristsender", ProcessStats.CpuSeconds(ristsender.Id) - cpuA, mbit, ProcessStats.PeakRssBytes(ristsender.Id), ristsenderOut.Bytes - outA);
            var b = new Side("ristbond", ProcessStats.CpuSeconds(ristbond.Id) - cpuB, mbit, ProcessStats.PeakRssBytes(ristbond.Id), ristbondOut.Bytes - outB);
            return new Result(bitrateBps, links, seconds, a, b);
        }
        finally
        {
            feeding.Cancel();
            feeder.Join();
        }
    }

    static void CheckAlive(ChildProcess peer, string name)
    {
        if (peer.HasExited)
            throw new RistbondException($"bench: {name} exited early: {peer.LastErrors}", ExitCodes.RuntimeFailure);
    }

    /// <summary>The test stream at a steady rate, each datagram to every port: both senders get the same input.</summary>
    static void Feed(long bitrateBps, int[] ports, CancellationToken cancellation)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var targets = ports.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray();
        var generator = new TestPatternGenerator();
        byte[] datagram = new byte[TsPacket.DatagramSize];
        long interval = TsPacket.DatagramSize * 8 * MonotonicClock.NanosPerSecond / bitrateBps;
        long due = MonotonicClock.NowNanos;
        while (!cancellation.IsCancellationRequested)
        {
            due += interval;
            MonotonicClock.SleepUntil(due);
            generator.WriteDatagram(datagram, MonotonicClock.NowNanos);
            foreach (IPEndPoint target in targets)
                socket.SendTo(datagram, target);
        }
    }
}

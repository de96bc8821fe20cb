using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Bench;

/// <summary>
/// The packet path alone: TS bytes through the framer into librist, as fast as one thread can, over three links.
/// Reports datagrams per second (wall clock), CPU nanoseconds per datagram on the sending thread, and bytes the
/// thread allocated per datagram in steady state (the goal is zero).
/// </summary>
public static class PacketPathBench
{
    /// <summary>Stays well under librist 0.2.x's 524,288-entry send ring, which has no overflow check.</summary>
    public const int DefaultDatagrams = 200_000;
    public const int MaxDatagrams = 400_000;
    const int Warmup = 5_000;

    public sealed record Result(int Links, long Datagrams, double DatagramsPerSecond, double CpuNanosPerDatagram, double AllocatedBytesPerDatagram)
    {
        public long AllocatedBytes { get; init; }

        public double TsPacketsPerSecond => DatagramsPerSecond * TsPacket.PacketsPerDatagram;
        /// <summary>What one core could carry if the sending thread did nothing else: 1 s of CPU ÷ cost per datagram.</summary>
        public double MbpsPerCore => 1e9 / CpuNanosPerDatagram * TsPacket.DatagramSize * 8 / 1e6;
    }

    public static Result Run(ILogger log, int links = 3, int datagrams = DefaultDatagrams)
    {
        // Sinks that read and drop: the far ends of the links. No receiver, so weights stay as set.
        var sinks = Enumerable.Range(0, links).Select(_ => new DrainSocket()).ToList();
        try
        {
            using RistSender sender = RistSender.Create(new RistSenderOptions(), log);
            for (int i = 0; i < links; i++)
                sender.AddLink($"link{i + 1}", RistUrl.Parse($"rist://127.0.0.1:{sinks[i].Port}"), 1000);
            sender.Start();

            byte[] stream = MakeStream(4096);
            var framer = new DatagramFramer(sender);
            int offset = 0;
            void PushOne()
            {
                framer.PushPackets(stream.AsSpan(offset, TsPacket.DatagramSize));
                offset = (offset + TsPacket.DatagramSize) % stream.Length;
            }

            for (int i = 0; i < Warmup; i++)
                PushOne();
            Thread.Sleep(200);
            _ = ThreadCpuNanos() + MonotonicClock.NowNanos; // first calls initialise their types: not the packet path's cost

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long cpuBefore = ThreadCpuNanos();
            long wallBefore = MonotonicClock.NowNanos;
            for (int i = 0; i < datagrams; i++)
                PushOne();
            long wall = MonotonicClock.NowNanos - wallBefore;
            long cpu = ThreadCpuNanos() - cpuBefore;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Thread.Sleep(500); // let librist send what is queued before the context goes
            return new Result(links, datagrams, datagrams / (wall / 1e9), cpu / (double)datagrams, allocated / (double)datagrams)
            {
                AllocatedBytes = allocated,
            };
        }
        finally
        {
            foreach (DrainSocket sink in sinks)
                sink.Dispose();
        }
    }

    static byte[] MakeStream(int datagrams)
    {
        var generator = new TestPatternGenerator();
        byte[] stream = new byte[datagrams * TsPacket.DatagramSize];
        for (int i = 0; i < datagrams; i++)
            generator.WriteDatagram(stream.AsSpan(i * TsPacket.DatagramSize, TsPacket.DatagramSize), i * 1_000_000L);
        return stream;
    }

    static long ThreadCpuNanos()
    {
        if (Interop.Libc.ClockGetTime(Interop.Libc.CLOCK_THREAD_CPUTIME_ID, out var time) != 0)
            throw new RistbondException("Could not read the thread CPU clock", ExitCodes.RuntimeFailure);
        return time.Seconds * MonotonicClock.NanosPerSecond + time.Nanoseconds;
    }

    /// <summary>A UDP port that reads and drops everything, on its own thread.</summary>
    internal sealed class DrainSocket : IDisposable
    {
        readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        readonly Thread _thread;

        public DrainSocket()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _thread = new Thread(() =>
            {
                byte[] buffer = new byte[65536];
                try
                {
                    while (true)
                        _socket.Receive(buffer);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            }) { IsBackground = true, Name = "bench-drain" };
            _thread.Start();
        }

        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        public void Dispose() => _socket.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// The baseline's encoder: the test stream at a fixed bitrate, 7×188-byte datagrams evenly spaced on the monotonic
/// clock, to one UDP port, on its own thread until stopped (as <c>ristbond send -i testsrc</c> makes it).
/// </summary>
public sealed class RateFeeder : IBaselineInput
{
    /// <summary>Further behind schedule than this (a stalled process), the schedule restarts instead of bursting.</summary>
    const long MaxLagNanos = 200_000_000;

    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly IPEndPoint _target;
    readonly long _intervalNanos;
    readonly Thread _thread;
    volatile bool _stopping;
    long _datagrams;

    public RateFeeder(int port, long bitrateBps)
    {
        _target = new IPEndPoint(IPAddress.Loopback, port);
        _intervalNanos = TsPacket.DatagramSize * 8 * MonotonicClock.NanosPerSecond / bitrateBps;
        _thread = new Thread(Run) { IsBackground = true, Name = "bench-feed" };
    }

    public long Datagrams => Interlocked.Read(ref _datagrams);

    public void Start() => _thread.Start();

    public void Stop()
    {
        _stopping = true;
        if (_thread.IsAlive)
            _thread.Join(1000);
    }

    void Run()
    {
        var generator = new TestPatternGenerator();
        byte[] datagram = new byte[TsPacket.DatagramSize];
        long due = MonotonicClock.NowNanos;
        while (!_stopping)
        {
            due += _intervalNanos;
            if (MonotonicClock.NowNanos - due > MaxLagNanos)
                due = MonotonicClock.NowNanos;
            MonotonicClock.SleepUntil(due);
            generator.WriteDatagram(datagram, MonotonicClock.NowNanos);
            try
            {
                _socket.SendTo(datagram, _target);
            }
            catch (SocketException)
            {
                // ECONNREFUSED from a previous datagram while ristsender starts: the next one goes.
                continue;
            }
            Interlocked.Increment(ref _datagrams);
        }
    }

    public void Dispose()
    {
        Stop();
        _socket.Dispose();
    }
}

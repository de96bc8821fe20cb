using System.Net;
using System.Net.Sockets;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// Receives what a receiver delivers on a UDP port, counts it and checks it packet by packet as the test stream
/// (<see cref="TestPatternVerifier"/>), on one named thread.
/// </summary>
public sealed class VerifyingCapture : IDisposable
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
    readonly Thread _thread;
    readonly TestPatternVerifier _verifier = new();
    readonly Lock _lock = new();
    volatile bool _stopping;
    long _bytes;
    long _firstNanos;
    long _lastNanos;

    public VerifyingCapture(string side)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _thread = new Thread(Receive) { IsBackground = true, Name = $"bench-capture {side}" };
        _thread.Start();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>TS bytes delivered so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Monotonic times of the first and the last delivery (0 before any).</summary>
    public long FirstNanos => Interlocked.Read(ref _firstNanos);
    public long LastNanos => Interlocked.Read(ref _lastNanos);

    /// <summary>What the verifier found so far, read under the capture's lock.</summary>
    public CaptureFindings Findings()
    {
        lock (_lock)
        {
            return new CaptureFindings(_verifier.TsPackets, _verifier.DataPackets, _verifier.Missing, _verifier.OutOfOrder, _verifier.Corrupt,
                _verifier.ContinuityErrors, _verifier.LongestGap,
                _verifier.DataPackets == 0 ? 0 : _verifier.LatencyMeanNanos / 1e6,
                _verifier.DataPackets == 0 ? 0 : _verifier.LatencyMaxNanos / 1e6);
        }
    }

    void Receive()
    {
        byte[] buffer = new byte[65536];
        while (!_stopping)
        {
            int length;
            try
            {
                if (!_socket.Poll(50_000, SelectMode.SelectRead))
                    continue;
                length = _socket.Receive(buffer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            long now = MonotonicClock.NowNanos;
            lock (_lock)
                _verifier.Push(buffer.AsSpan(0, length), now);
            Interlocked.Add(ref _bytes, length);
            Interlocked.CompareExchange(ref _firstNanos, now, 0);
            Interlocked.Exchange(ref _lastNanos, now);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(1000);
        _socket.Dispose();
    }
}

/// <summary>A copy of a capture's verifier counts. Latencies in ms (send time in the packet to delivery).</summary>
public sealed record CaptureFindings(long TsPackets, long DataPackets, long Missing, long OutOfOrder, long Corrupt,
    long ContinuityErrors, long LongestGap, double LatencyMeanMs, double LatencyMaxMs);

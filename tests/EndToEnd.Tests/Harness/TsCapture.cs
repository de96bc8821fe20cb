using Ristbond.MpegTs;

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>Receives what the receiver delivers on a UDP port and checks it packet by packet as the test stream.</summary>
public sealed class TsCapture : IDisposable
{
    readonly UdpReceiver _receiver;
    readonly TestPatternVerifier _verifier = new();
    readonly Lock _lock = new();
    readonly List<(long Nanos, long DataPackets)> _timeline = [];
    long _datagrams;

    public TsCapture(int port) => _receiver = new UdpReceiver(port, "capture", Check);

    public int Port => _receiver.Port;
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>A copy of the verifier's findings so far, under the capture's lock.</summary>
    public T Read<T>(Func<TestPatternVerifier, T> read)
    {
        lock (_lock)
            return read(_verifier);
    }

    /// <summary>Data packets delivered up to each received datagram's time: where the stream stalled, if anywhere.</summary>
    public IReadOnlyList<(long Nanos, long DataPackets)> Timeline
    {
        get
        {
            lock (_lock)
                return [.. _timeline];
        }
    }

    public string Summary() => Read(v => v.ToString());

    void Check(ReadOnlySpan<byte> datagram, long arrivalNanos)
    {
        lock (_lock)
        {
            _verifier.Push(datagram, arrivalNanos);
            _timeline.Add((arrivalNanos, _verifier.DataPackets));
        }
        Interlocked.Increment(ref _datagrams);
    }

    /// <summary>The longest time between two consecutive deliveries, within a window of the capture.</summary>
    public TimeSpan LongestSilence(long fromNanos, long toNanos)
    {
        long longest = 0;
        long previous = -1;
        foreach (var (nanos, _) in Timeline)
        {
            if (nanos < fromNanos || nanos > toNanos)
                continue;
            if (previous >= 0)
                longest = Math.Max(longest, nanos - previous);
            previous = nanos;
        }
        return TimeSpan.FromTicks(longest / 100);
    }

    public void Dispose() => _receiver.Dispose();
}

namespace Ristbond.EndToEnd.Tests.Harness;

/// <summary>Keeps what a receiver delivers to a UDP port as it came, with arrival times: for ffmpeg and for rates.</summary>
public sealed class UdpRecorder : IDisposable
{
    readonly UdpReceiver _receiver;
    readonly Lock _lock = new();
    readonly List<(long Nanos, byte[] Datagram)> _datagrams = [];

    public UdpRecorder() => _receiver = new UdpReceiver(0, "udp recorder", Keep);

    public int Port => _receiver.Port;

    public List<(long Nanos, byte[] Datagram)> Datagrams
    {
        get
        {
            lock (_lock)
                return [.. _datagrams];
        }
    }

    /// <summary>Bits per second of UDP payload that arrived in [from, to).</summary>
    public double RateBps(long fromNanos, long toNanos) =>
        Datagrams.Where(d => d.Nanos >= fromNanos && d.Nanos < toNanos).Sum(d => (long)d.Datagram.Length) * 8e9 / (toNanos - fromNanos);

    public void WriteTo(string path) => File.WriteAllBytes(path, [.. Datagrams.SelectMany(d => d.Datagram)]);

    void Keep(ReadOnlySpan<byte> datagram, long arrivalNanos)
    {
        lock (_lock)
            _datagrams.Add((arrivalNanos, datagram.ToArray()));
    }

    public void Dispose() => _receiver.Dispose();
}

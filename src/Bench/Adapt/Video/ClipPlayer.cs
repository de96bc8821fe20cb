using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.MpegTs;

namespace Ristbond.Bench.Adapt.Video;

/// <summary>
/// The baseline's video encoder: plays an encoded clip in real time by its PCRs (<see cref="FileTsSource"/>) as
/// 7×188-byte datagrams to one UDP port, on its own thread until stopped, and counts the frames it sent.
/// </summary>
public sealed class ClipPlayer : IBaselineInput
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly FileTsSource _source;
    readonly Sink _sink;
    readonly CancellationTokenSource _stop = new();
    readonly Thread _thread;

    public ClipPlayer(string clipPath, int port, ILogger log)
    {
        _source = new FileTsSource(clipPath, loop: false, log);
        _sink = new Sink(_socket, new IPEndPoint(IPAddress.Loopback, port));
        _thread = new Thread(() => _source.Run(_sink, _stop.Token)) { IsBackground = true, Name = "bench-clip" };
    }

    /// <summary>Frames (PES packets of the video) sent so far; read it after <see cref="Stop"/>.</summary>
    public long FramesSent => VideoFindings.From(_sink.Sent).Frames;

    public void Start() => _thread.Start();

    public void Stop()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
            _thread.Join(2000);
    }

    public void Dispose()
    {
        Stop();
        _source.Dispose();
        _socket.Dispose();
        _stop.Dispose();
    }

    sealed class Sink(Socket socket, IPEndPoint target) : IDatagramSink
    {
        public VideoStreamVerifier Sent { get; } = new();

        public void Send(ReadOnlySpan<byte> datagram)
        {
            Sent.Push(datagram);
            try
            {
                socket.SendTo(datagram, SocketFlags.None, target);
            }
            catch (SocketException)
            {
                // ECONNREFUSED from an earlier datagram while ristsender starts: the next one goes.
            }
        }
    }
}

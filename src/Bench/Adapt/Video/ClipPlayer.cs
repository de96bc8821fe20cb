using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.MpegTs;

namespace Ristbond.Bench.Adapt.Video;

/// <summary>
/// The baseline's video encoder: plays an encoded clip in real time by its PCRs (<see cref="FileTsSource"/>) as
/// 7×188-byte datagrams to one UDP port, on its own thread until stopped, and counts the frames it sent. It stops
/// where a frame begins, as an encoder stops after its last frame: cut anywhere, the last frame would reach the
/// receiver short and count as a decode error nothing on the links caused.
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
        _sink.Finish();
        // The next frame begins within a frame interval; a keyframe's tables a little before it.
        _sink.Finished.Wait(TimeSpan.FromMilliseconds(200));
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
        _sink.Finished.Dispose();
    }

    sealed class Sink(Socket socket, IPEndPoint target) : IDatagramSink
    {
        volatile bool _finishing;

        public VideoStreamVerifier Sent { get; } = new();

        /// <summary>Set once the packets before the first frame start after <see cref="Finish"/> are sent; nothing is sent after.</summary>
        public ManualResetEventSlim Finished { get; } = new();

        public void Finish() => _finishing = true;

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (Finished.IsSet)
                return;
            if (_finishing && FrameStart(datagram) is int start)
            {
                datagram = datagram[..start];
                Finished.Set();
                if (datagram.IsEmpty)
                    return;
            }
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

        /// <summary>The offset of the first TS packet that begins a video PES (stream id 0xE0–0xEF), or null.</summary>
        static int? FrameStart(ReadOnlySpan<byte> datagram)
        {
            for (int offset = 0; offset + TsPacket.Size <= datagram.Length; offset += TsPacket.Size)
            {
                ReadOnlySpan<byte> packet = datagram.Slice(offset, TsPacket.Size);
                if (!TsPacket.PayloadUnitStart(packet))
                    continue;
                ReadOnlySpan<byte> payload = TsPacket.Payload(packet);
                if (payload.Length >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 1 && (payload[3] & 0xF0) == 0xE0)
                    return offset;
            }
            return null;
        }
    }
}

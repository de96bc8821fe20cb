using System.Net;
using System.Net.Sockets;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// Receives what a receiver delivers on a UDP port, counts it and checks it, on one named thread: packet by packet
/// as the test stream (<see cref="TestPatternVerifier"/>), or as video (<see cref="VideoStreamVerifier"/>: frames,
/// keyframes, continuity, frames the PTS skipped), recording the video to a file for ffmpeg to decode afterwards.
/// The recording starts at the first keyframe delivered, where a receiver joining the stream starts: a sender whose
/// input ran before its links connected (ristsender drops it) would otherwise count its first GOP as decode errors.
/// </summary>
public sealed class VerifyingCapture : IDisposable
{
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
    readonly Thread _thread;
    readonly TestPatternVerifier _verifier = new();
    readonly VideoStreamVerifier? _video;
    readonly FileStream? _recording;
    bool _recordingStarted;
    readonly Lock _lock = new();
    volatile bool _stopping;
    long _bytes;
    long _firstNanos;
    long _lastNanos;

    /// <param name="address">Where to listen: loopback, or the bench's end of the receiver namespace's output veth.</param>
    /// <param name="recordingPath">For video: the file the delivered stream is written to.</param>
    public VerifyingCapture(string side, IPAddress address, AdaptInput input, string? recordingPath = null)
    {
        _socket.Bind(new IPEndPoint(address, 0));
        if (input == AdaptInput.Pattern)
        {
            _video = new VideoStreamVerifier();
            if (recordingPath is not null)
                _recording = new FileStream(recordingPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        RecordingPath = recordingPath;
        _thread = new Thread(Receive) { IsBackground = true, Name = $"bench-capture {side}" };
        _thread.Start();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>The video recording, complete once the capture is disposed; null for testsrc.</summary>
    public string? RecordingPath { get; }

    /// <summary>TS bytes delivered so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Monotonic times of the first and the last delivery (0 before any).</summary>
    public long FirstNanos => Interlocked.Read(ref _firstNanos);
    public long LastNanos => Interlocked.Read(ref _lastNanos);

    /// <summary>What the test-stream verifier found so far (all zero for video), read under the capture's lock.</summary>
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

    /// <summary>What the video verifier found so far; null for testsrc.</summary>
    public VideoFindings? Video()
    {
        if (_video is null)
            return null;
        lock (_lock)
            return VideoFindings.From(_video);
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
            {
                if (_video is null)
                {
                    _verifier.Push(buffer.AsSpan(0, length), now);
                }
                else
                {
                    _video.Push(buffer.AsSpan(0, length));
                    Record(buffer.AsSpan(0, length));
                }
            }
            Interlocked.Add(ref _bytes, length);
            Interlocked.CompareExchange(ref _firstNanos, now, 0);
            Interlocked.Exchange(ref _lastNanos, now);
        }
    }

    void Record(ReadOnlySpan<byte> datagram)
    {
        if (_recording is null)
            return;
        if (!_recordingStarted)
        {
            int start = KeyframeStart(datagram);
            if (start < 0)
                return;
            datagram = datagram[start..];
            _recordingStarted = true;
        }
        _recording.Write(datagram);
    }

    /// <summary>The offset of the first TS packet that begins a video PES flagged as a random access point; -1 if none.</summary>
    static int KeyframeStart(ReadOnlySpan<byte> datagram)
    {
        for (int offset = 0; offset + TsPacket.Size <= datagram.Length; offset += TsPacket.Size)
        {
            ReadOnlySpan<byte> packet = datagram.Slice(offset, TsPacket.Size);
            bool randomAccess = TsPacket.HasAdaptationField(packet) && packet[4] > 0 && (packet[5] & 0x40) != 0;
            ReadOnlySpan<byte> payload = TsPacket.PayloadUnitStart(packet) ? TsPacket.Payload(packet) : default;
            if (randomAccess && payload.Length >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 1 && (payload[3] & 0xF0) == 0xE0)
                return offset;
        }
        return -1;
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(1000);
        _socket.Dispose();
        lock (_lock)
            _recording?.Dispose();
    }
}

/// <summary>A copy of a capture's verifier counts. Latencies in ms (send time in the packet to delivery).</summary>
public sealed record CaptureFindings(long TsPackets, long DataPackets, long Missing, long OutOfOrder, long Corrupt,
    long ContinuityErrors, long LongestGap, double LatencyMeanMs, double LatencyMaxMs);

/// <summary>The video stream as delivered: its frames (PES packets of the video PID), keyframes, frames its PTS skipped, continuity breaks.</summary>
public sealed record VideoFindings(long Frames, long Keyframes, long MissingFrames, long LongestGapFrames, long ContinuityErrors, long TsPackets)
{
    /// <summary>The PID that carried the most PES packets is the video; continuity counts every PID (tables too).</summary>
    public static VideoFindings From(VideoStreamVerifier verifier)
    {
        VideoStreamVerifier.PidStats? video = verifier.Streams.MaxBy(s => s.PesPackets);
        return new VideoFindings(video?.PesPackets ?? 0, video?.RandomAccessPoints ?? 0, video?.MissingFrames ?? 0, video?.LongestGapFrames ?? 0,
            verifier.ContinuityErrors, verifier.TsPackets);
    }
}

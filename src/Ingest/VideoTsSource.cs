using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;

namespace Ristbond.Ingest;

/// <summary>
/// Video that ristbond encodes itself: frames from an <see cref="IFrameSource"/> (the pattern, a capture device)
/// through an <see cref="IVideoEncoder"/> and the <see cref="VideoMuxer"/>, each access unit's datagrams spread
/// The control loop sets the encoder's
/// bitrate through <see cref="FollowBitrate"/>; the encoder takes the request at its next frame. One thread runs
/// the whole frame path, which allocates nothing once the largest keyframe has been seen and takes no lock.
/// Each access unit's datagrams are handed on as soon as they are muxed: spreading them out is the stream pacer's
/// job (<see cref="Pacing.StreamPacer"/>, across frames, at a rate tied to the bit rate), not a frame interval's.
/// <para>
/// Timestamps come from the capture clock, snapped to the nominal frame grid: a frame the source skipped leaves
/// a gap in the PTS, so the receiver's playout stays in real time. The PCR follows the DTS (see the muxer).
/// </para>
/// </summary>
public sealed class VideoTsSource : TsSource, IBitrateFollower
{
    readonly IFrameSource _frames;
    readonly IVideoEncoder _encoder;
    readonly IPacingClock _clock;
    readonly FirstSendSink _out = new();
    readonly VideoMuxer _muxer;
    readonly SampleWindow _encodeMs = new();
    readonly SampleWindow _firstDatagramMs = new();
    readonly SampleWindow _lastDatagramMs = new();

    long _firstCaptureNanos = long.MinValue;
    long _lastSlot = -1;
    long _accessUnits;
    long _keyframes;
    long _datagrams;

    // Read and written by the stats reader only (once a second).
    TimeSpan _cpuAtLastStats;
    long _framesAtLastStats;

    /// <param name="encoderName">The encoder as reported (x265, v4l2:/dev/video1).</param>
    /// <param name="clock">The clock the pacing sleeps on and latency is read from; the monotonic clock by default.</param>
    /// <param name="codec">What the encoder produces: the stream type the muxer declares.</param>
    /// <param name="encoderDetail">The encoder for the start-up log line (device, codec, bitrate control); the name by default.</param>
    public VideoTsSource(IFrameSource frames, IVideoEncoder encoder, string encoderName, IPacingClock? clock = null,
        VideoCodec codec = VideoCodec.Hevc, string? encoderDetail = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(encoder);
        _frames = frames;
        _encoder = encoder;
        EncoderName = encoderName;
        EncoderDetail = encoderDetail ?? encoderName;
        Codec = codec;
        _clock = clock ?? SystemPacingClock.Instance;
        _muxer = new VideoMuxer(_out, new VideoMuxerOptions { Codec = codec });
        _cpuAtLastStats = Environment.CpuUsage.TotalTime;
    }

    public override string Name => _frames.Name;

    public string EncoderName { get; }

    public string EncoderDetail { get; }

    public VideoCodec Codec { get; }

    public VideoFormat Format => _frames.Format;

    public long BitrateBps => _encoder.TargetBitrate;

    public void FollowBitrate(long bitsPerSecond) => _encoder.SetBitrate(Math.Max(1, bitsPerSecond));

    /// <summary>Makes the next frame an IDR (a receiver joined or lost the picture). Any thread.</summary>
    public void ForceKeyframe() => _encoder.ForceKeyframe();

    public long AccessUnits => Interlocked.Read(ref _accessUnits);

    public long Keyframes => Interlocked.Read(ref _keyframes);

    public long SkippedFrames => _frames.SkippedFrames;

    public override long Packets => _muxer.Packets;

    public override long SyncErrors => 0;

    public override long Datagrams => Interlocked.Read(ref _datagrams);

    public override void Run(IDatagramSink sink, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _out.Target = sink;
        _out.Clock = _clock;
        while (_frames.TryNextFrame(cancellation, out ReadOnlySpan<byte> frame, out long captureNanos))
        {
            long started = _clock.NowNanos;
            bool encoded = _encoder.Encode(frame, captureNanos, out EncodedAccessUnit accessUnit);
            _encodeMs.Add((_clock.NowNanos - started) / 1e6);
            if (encoded)
                Send(accessUnit);
        }
        while (_encoder.Drain(out EncodedAccessUnit delayed))
            Send(delayed);
    }

    void Send(in EncodedAccessUnit accessUnit)
    {
        long dts = NextDts(accessUnit, out long pts);
        _out.StartAccessUnit();
        _muxer.Write(accessUnit.Data, pts, dts, accessUnit.IsKeyframe);
        _muxer.Flush();
        int sent = _out.Datagrams;
        _firstDatagramMs.Add((_out.FirstSentNanos - accessUnit.CaptureNanos) / 1e6);
        _lastDatagramMs.Add((_clock.NowNanos - accessUnit.CaptureNanos) / 1e6);
        CountBytes(sent * TsPacket.DatagramSize);
        Interlocked.Add(ref _datagrams, sent);
        Interlocked.Increment(ref _accessUnits);
        if (accessUnit.IsKeyframe)
            Interlocked.Increment(ref _keyframes);
    }

    /// <summary>
    /// The DTS (and PTS) of an access unit on the 90 kHz clock: its capture time since the first, rounded to the
    /// nearest frame slot and never on or before the previous one; the encoder's own PTS−DTS distance kept.
    /// </summary>
    long NextDts(in EncodedAccessUnit accessUnit, out long pts)
    {
        VideoFormat format = _frames.Format;
        if (_firstCaptureNanos == long.MinValue)
            _firstCaptureNanos = accessUnit.CaptureNanos;
        long sinceFirst = Math.Max(0, accessUnit.CaptureNanos - _firstCaptureNanos);
        long frameNanosTimesNumerator = format.FrameRateDenominator * MonotonicClock.NanosPerSecond;
        long slot = (sinceFirst * format.FrameRateNumerator + frameNanosTimesNumerator / 2) / frameNanosTimesNumerator;
        slot = Math.Max(slot, _lastSlot + 1);
        _lastSlot = slot;
        long reorder = Math.Max(0, accessUnit.Pts90kHz - accessUnit.Dts90kHz);
        pts = format.FrameTime90kHz(slot) + reorder;
        return format.FrameTime90kHz(slot);
    }

    /// <summary>A snapshot for the stats stream; call from one thread (the CPU figure is per call interval).</summary>
    public VideoSendStats ReadStats()
    {
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        long frames = AccessUnits;
        double? cpuPerFrame = frames > _framesAtLastStats
            ? Math.Round((cpu - _cpuAtLastStats).TotalMilliseconds / (frames - _framesAtLastStats), 2)
            : null;
        _cpuAtLastStats = cpu;
        _framesAtLastStats = frames;
        VideoFormat format = _frames.Format;
        string codec = Codec switch
        {
            VideoCodec.H264 => "h264",
            VideoCodec.Fwht => "fwht",
            _ => "hevc",
        };
        (double? encodeP50, double? encodeP95) = _encodeMs.Percentiles(0.5, 0.95);
        (double? firstP50, double? firstP95) = _firstDatagramMs.Percentiles(0.5, 0.95);
        (double? lastP50, double? lastP95) = _lastDatagramMs.Percentiles(0.5, 0.95);
        return new VideoSendStats
        {
            Codec = codec,
            Encoder = EncoderName,
            Width = format.Width,
            Height = format.Height,
            Fps = Math.Round(format.FramesPerSecond, 3),
            BitrateBps = BitrateBps,
            Frames = frames,
            Keyframes = Keyframes,
            SkippedFrames = SkippedFrames,
            EncodeMsP50 = Rounded(encodeP50),
            EncodeMsP95 = Rounded(encodeP95),
            FirstDatagramMsP50 = Rounded(firstP50),
            FirstDatagramMsP95 = Rounded(firstP95),
            LastDatagramMsP50 = Rounded(lastP50),
            LastDatagramMsP95 = Rounded(lastP95),
            ProcessCpuMsPerFrame = cpuPerFrame,
        };
    }

    static double? Rounded(double? value) => value is double v ? Math.Round(v, 2) : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _encoder.Dispose();
            _frames.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Hands the muxer's datagrams on and notes when an access unit's first one left and how many did.</summary>
    sealed class FirstSendSink : IDatagramSink
    {
        public IDatagramSink? Target;
        public IPacingClock Clock = SystemPacingClock.Instance;
        public long FirstSentNanos;
        public int Datagrams;

        public void StartAccessUnit() => Datagrams = 0;

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (Datagrams++ == 0)
                FirstSentNanos = Clock.NowNanos;
            Target!.Send(datagram);
        }
    }
}

namespace Ristbond.Video.V4l2;

/// <summary>The coded formats a V4L2 stateful encoder may produce, in ristbond's order of preference.</summary>
public enum V4l2Codec
{
    Hevc,
    H264,

    /// <summary>vicodec's Fast Walsh-Hadamard Transform: only for testing the V4L2 path on the emulated board.</summary>
    Fwht,
}

/// <summary>How <see cref="IVideoEncoder.SetBitrate"/> reaches the device.</summary>
public enum BitrateControlKind
{
    /// <summary>V4L2_CID_MPEG_VIDEO_BITRATE, changed while streaming (venus, amphion, bcm2835-codec).</summary>
    Live,

    /// <summary>V4L2_CID_MPEG_VIDEO_BITRATE set between a stop and a restart of both queues (a driver that refuses live changes).</summary>
    Restart,

    /// <summary>No bitrate control: the QP is chosen from measured frame sizes (<see cref="QpRateController"/>).</summary>
    QpMapping,

    /// <summary>Neither a bitrate nor a QP control: the device's own rate is what comes out.</summary>
    None,
}

/// <summary>The tunables of <see cref="V4l2Encoder"/>, in one place.</summary>
public sealed record V4l2EncoderOptions
{
    /// <summary>Coded formats to ask for, first match of what the device lists wins.</summary>
    public IReadOnlyList<V4l2Codec> Codecs { get; init; } = [V4l2Codec.Hevc, V4l2Codec.H264];

    /// <summary>Bits per second at open; <see cref="IVideoEncoder.SetBitrate"/> changes it live.</summary>
    public long InitialBitrate { get; init; } = 2_000_000;

    /// <summary>
    /// Seconds between keyframes (clamped to what the device's GOP control allows), or the intra-refresh period when
    /// <see cref="IntraRefresh"/> is on and the device offers it.
    /// </summary>
    public double KeyframeIntervalSeconds { get; init; } = 2.0;

    /// <summary>
    /// The VBV (V4L2_CID_MPEG_VIDEO_VBV_SIZE, H.264 CPB) as milliseconds of the bitrate, kept proportional on every
    /// change where the device has the control; see <see cref="VideoEncoderSettings.LatencyBudgetMilliseconds"/>.
    /// </summary>
    public int LatencyBudgetMilliseconds { get; init; } = X265EncoderOptions.DefaultLatencyBudgetMilliseconds;

    /// <summary>
    /// Intra refresh over <see cref="KeyframeIntervalSeconds"/> where the device has V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD
    /// or V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB; periodic IDRs where it has neither.
    /// </summary>
    public bool IntraRefresh { get; init; } = true;

    /// <summary>A new bitrate below this share of the one before forces a keyframe, so the drop shows at once.</summary>
    public double KeyframeOnDropBelow { get; init; } = 0.5;

    /// <summary>Apply bitrate changes by restarting the queues even when the driver takes them live (wave5 accepts them but applies them only at sequence start).</summary>
    public bool BitrateByRestart { get; init; }

    /// <summary>Take raw frames as DMABUF file descriptors from a capture device (no copy) when the driver can.</summary>
    public bool ImportDmabuf { get; init; }

    /// <summary>Raw (OUTPUT) and coded (CAPTURE) buffers to ask for; the driver may grant more or fewer.</summary>
    public int RawBuffers { get; init; } = 4;

    public int CodedBuffers { get; init; } = 4;

    /// <summary>How long a frame may take in the device before ristbond calls it stuck.</summary>
    public int StallTimeoutMilliseconds { get; init; } = 2000;

    /// <summary>QP at open when <see cref="BitrateControlKind.QpMapping"/> is used; the device's default when null.</summary>
    public int? InitialQp { get; init; }
}

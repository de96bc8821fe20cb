namespace Ristbond.Video;

/// <summary>
/// One encoded picture as Annex-B bytes (start codes before each NAL unit). <see cref="Data"/> points into the
/// encoder's own buffer and is valid only until the next call into the encoder: copy it (into the TS muxer)
/// before encoding again.
/// </summary>
public readonly ref struct EncodedAccessUnit
{
    public EncodedAccessUnit(ReadOnlySpan<byte> data, long pts90kHz, long dts90kHz, long captureNanos, bool isKeyframe)
    {
        Data = data;
        Pts90kHz = pts90kHz;
        Dts90kHz = dts90kHz;
        CaptureNanos = captureNanos;
        IsKeyframe = isKeyframe;
    }

    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Presentation time on the 90 kHz clock, counted from the first frame at 0.</summary>
    public long Pts90kHz { get; }

    /// <summary>Decode time on the 90 kHz clock; equal to <see cref="Pts90kHz"/> while there are no B-frames.</summary>
    public long Dts90kHz { get; }

    /// <summary>The monotonic nanoseconds the raw frame was captured at, carried through unchanged.</summary>
    public long CaptureNanos { get; }

    /// <summary>An IRAP picture (IDR, CRA or BLA) with its parameter sets: a decoder can start here.</summary>
    public bool IsKeyframe { get; }
}

namespace Ristbond.Video.V4l2;

/// <summary>
/// A <see cref="V4l2Encoder"/> opened to import DMABUF, fed by a <see cref="V4l2FrameSource"/>: each frame the send
/// path hands to <see cref="Encode"/> is the one the source holds, so the encoder is given that frame's DMABUF and
/// reads it in the capture buffer instead of a copy. Everything else passes straight through. Only made when the
/// encoder took the DMABUF queue and both devices lay the frame out alike (<see cref="RawFrameLayout.SameAs"/>).
/// </summary>
public sealed class DmabufImportEncoder : IVideoEncoder
{
    readonly V4l2FrameSource _frames;

    public DmabufImportEncoder(V4l2Encoder encoder, V4l2FrameSource frames)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(frames);
        if (!encoder.ImportsDmabuf || !frames.Capture.ExportsDmabuf)
            throw new ArgumentException($"{encoder.DevicePath} does not import DMABUF, or {frames.Name} exports none", nameof(encoder));
        Encoder = encoder;
        _frames = frames;
    }

    public V4l2Encoder Encoder { get; }

    public VideoFormat Format => Encoder.Format;

    public long TargetBitrate => Encoder.TargetBitrate;

    public void SetBitrate(long bitsPerSecond) => Encoder.SetBitrate(bitsPerSecond);

    public void ForceKeyframe() => Encoder.ForceKeyframe();

    /// <summary>Encodes the frame the source holds from its DMABUF; <paramref name="frame"/> is its packed view, only checked.</summary>
    public bool Encode(ReadOnlySpan<byte> frame, long captureNanos, out EncodedAccessUnit accessUnit)
    {
        Format.CheckFrame(frame);
        if (!_frames.HoldsFrame)
            throw new InvalidOperationException($"Could not encode from {_frames.Name}: it holds no frame (Encode must follow its TryNextFrame)");
        return Encoder.EncodeDmabuf(_frames.HeldDmabufFd, _frames.HeldDmabufLength, _frames.HeldBytesUsed, captureNanos, out accessUnit);
    }

    public bool Drain(out EncodedAccessUnit accessUnit) => Encoder.Drain(out accessUnit);

    public void Dispose() => Encoder.Dispose();
}

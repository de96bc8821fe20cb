namespace Ristbond.Video.Tests.Harness;

/// <summary>A copy of an <see cref="EncodedAccessUnit"/>, which is only valid until the encoder's next call.</summary>
public sealed record EncodedFrame(byte[] Data, long Pts90kHz, long Dts90kHz, long CaptureNanos, bool IsKeyframe)
{
    public static EncodedFrame CopyOf(in EncodedAccessUnit unit) =>
        new(unit.Data.ToArray(), unit.Pts90kHz, unit.Dts90kHz, unit.CaptureNanos, unit.IsKeyframe);

    /// <summary>Encodes <paramref name="count"/> frames of the pattern; capture times are the frame's nominal time in ns.</summary>
    public static List<EncodedFrame> EncodePattern(IVideoEncoder encoder, TestPatternSource source, int count, Action<int>? beforeFrame = null)
    {
        var frames = new List<EncodedFrame>(count);
        long frameNanos = (long)(1e9 / encoder.Format.FramesPerSecond);
        for (int i = 0; i < count; i++)
        {
            beforeFrame?.Invoke(i);
            ReadOnlySpan<byte> raw = source.Render(i, TimeSpan.FromMilliseconds(i * 1000 / encoder.Format.FramesPerSecond));
            if (encoder.Encode(raw, 1_000_000_000 + i * frameNanos, out EncodedAccessUnit unit))
                frames.Add(CopyOf(unit));
        }
        while (encoder.Drain(out EncodedAccessUnit unit))
            frames.Add(CopyOf(unit));
        return frames;
    }
}

namespace Ristbond.Video;

/// <summary>How raw 8-bit 4:2:0 frames are laid out: both are tightly packed, rows without padding.</summary>
public enum PixelFormat
{
    /// <summary>Y plane, then U plane, then V plane (each chroma plane a quarter of Y).</summary>
    I420,

    /// <summary>Y plane, then one plane of interleaved U,V pairs (what V4L2 encoders and most cameras use).</summary>
    Nv12,
}

/// <summary>The raw picture an encoder is opened for. Width and height are even: 4:2:0 chroma halves both.</summary>
public sealed record VideoFormat
{
    public VideoFormat(int width, int height, PixelFormat pixelFormat = PixelFormat.I420, int frameRateNumerator = 30, int frameRateDenominator = 1)
    {
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0)
            throw new ArgumentException($"Video size {width}x{height} is not usable: width and height must be even and at least 16");
        if (frameRateNumerator <= 0 || frameRateDenominator <= 0)
            throw new ArgumentException($"Frame rate {frameRateNumerator}/{frameRateDenominator} is not usable: both parts must be positive");
        Width = width;
        Height = height;
        PixelFormat = pixelFormat;
        FrameRateNumerator = frameRateNumerator;
        FrameRateDenominator = frameRateDenominator;
    }

    public int Width { get; }
    public int Height { get; }
    public PixelFormat PixelFormat { get; }
    public int FrameRateNumerator { get; }
    public int FrameRateDenominator { get; }

    public double FramesPerSecond => (double)FrameRateNumerator / FrameRateDenominator;

    public int LumaBytes => Width * Height;

    /// <summary>Bytes in one packed frame: luma plus two quarter-size chroma planes.</summary>
    public int FrameBytes => LumaBytes + LumaBytes / 2;

    /// <summary>Frame <paramref name="index"/>'s presentation time on the 90 kHz MPEG clock.</summary>
    public long FrameTime90kHz(long index) => index * 90_000 * FrameRateDenominator / FrameRateNumerator;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the expected size when a frame does not fit this format.</summary>
    public void CheckFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != FrameBytes)
            ThrowWrongFrameSize(frame.Length);
    }

    void ThrowWrongFrameSize(int actual) =>
        throw new ArgumentException(
            $"Raw frame is {actual} bytes; a {Width}x{Height} {PixelFormat} frame is {FrameBytes} bytes", "frame");

    public override string ToString() => $"{Width}x{Height} {PixelFormat} {FrameRateNumerator}/{FrameRateDenominator} fps";
}

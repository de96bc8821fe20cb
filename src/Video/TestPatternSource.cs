namespace Ristbond.Video;

/// <summary>
/// Synthetic video for the send path: 75% colour bars scrolling sideways (a freeze shows at once), a band of
/// fresh noise at the bottom (gives the rate control something to spend bits on, as a camera sensor would) and
/// a burnt-in wall clock and frame counter, so a viewer at the receiver reads the latency off the picture.
/// Every frame is drawn into one buffer reused for the life of the source: no allocation per frame.
/// </summary>
public sealed class TestPatternSource
{
    // BT.601 limited-range Y, U, V of the eight 75% bars: white, yellow, cyan, green, magenta, red, blue, black.
    static ReadOnlySpan<byte> BarY => [180, 162, 131, 112, 84, 65, 35, 16];
    static ReadOnlySpan<byte> BarU => [128, 44, 156, 72, 184, 100, 212, 128];
    static ReadOnlySpan<byte> BarV => [128, 142, 44, 58, 198, 212, 114, 128];

    const byte TextInk = 235;
    const byte BoxLuma = 16;
    const byte NeutralChroma = 128;
    const int ClockCharacters = 12;   // HH:MM:SS.mmm
    const int CounterDigits = 8;

    readonly byte[] _frame;
    readonly TimeProvider _clock;
    readonly int _noiseTop;
    readonly int _scale;
    readonly char[] _text = new char[Math.Max(ClockCharacters, CounterDigits)];
    ulong _noiseState = 0x9E3779B97F4A7C15;

    /// <param name="noiseFraction">Share of the picture height, at the bottom, filled with new noise every frame.</param>
    /// <param name="clock">Where the burnt-in wall clock comes from (local time); the system clock by default.</param>
    public TestPatternSource(VideoFormat format, double noiseFraction = 0.1, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfLessThan(noiseFraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(noiseFraction, 1.0);
        Format = format;
        _frame = new byte[format.FrameBytes];
        _clock = clock ?? TimeProvider.System;
        _noiseTop = (format.Height - (int)(format.Height * noiseFraction)) & ~1;
        // Font pixels scaled so the clock takes about half the width: readable on a phone at the receiver.
        _scale = Math.Max(1, format.Width / 2 / DigitFont.TextWidth(ClockCharacters, 1));
    }

    /// <summary>1280x720 I420 at 30 fps, what the appliance sends when no camera is configured.</summary>
    public static VideoFormat DefaultFormat { get; } = new(1280, 720, PixelFormat.I420, 30);

    public VideoFormat Format { get; }

    /// <summary>Frames drawn so far; the number burnt into the next frame.</summary>
    public long FrameIndex { get; private set; }

    /// <summary>Draws the next frame stamped with the wall clock now. The span is valid until the next call.</summary>
    public ReadOnlySpan<byte> NextFrame() => Render(FrameIndex++, _clock.GetLocalNow().TimeOfDay);

    /// <summary>Draws frame <paramref name="frameIndex"/> showing <paramref name="timeOfDay"/> into the reused buffer.</summary>
    public ReadOnlySpan<byte> Render(long frameIndex, TimeSpan timeOfDay)
    {
        int width = Format.Width;
        Span<byte> luma = _frame.AsSpan(0, Format.LumaBytes);
        DrawBars(luma, frameIndex);
        DrawNoise(luma);

        int margin = Math.Max(2, _scale * 2) & ~1;
        int lineHeight = (DigitFont.GlyphHeight + 2) * _scale;
        int boxWidth = Math.Min(width - margin, (DigitFont.TextWidth(ClockCharacters, _scale) + 2 * margin) & ~1);
        int boxHeight = Math.Min(_noiseTop - margin, (2 * lineHeight + 2 * margin) & ~1);
        FillBox(margin, margin, boxWidth, boxHeight);

        FormatClock(timeOfDay, _text);
        DigitFont.Draw(luma, width, Format.Height, _text.AsSpan(0, ClockCharacters), 2 * margin, 2 * margin, _scale, TextInk);
        FormatCounter(frameIndex, _text);
        DigitFont.Draw(luma, width, Format.Height, _text.AsSpan(0, CounterDigits), 2 * margin, 2 * margin + lineHeight, _scale, TextInk);
        return _frame;
    }

    /// <summary>One row of bars scrolled by the frame index, copied down to the noise band; chroma likewise.</summary>
    void DrawBars(Span<byte> luma, long frameIndex)
    {
        int width = Format.Width;
        int shift = (int)(frameIndex * Math.Max(2, width / 160) % width) & ~1;
        Span<byte> row = luma.Slice(0, width);
        for (int x = 0; x < width; x++)
            row[x] = BarY[(x + shift) % width * 8 / width];
        for (int y = 1; y < _noiseTop; y++)
            row.CopyTo(luma.Slice(y * width, width));

        // Chroma the same way: each 4:2:0 plane (I420: U then V; NV12: one UV plane) is one row copied down.
        int chromaRows = Format.Height / 2;
        int barRows = _noiseTop / 2;
        Span<byte> chroma = _frame.AsSpan(Format.LumaBytes);
        if (Format.PixelFormat == PixelFormat.Nv12)
        {
            Span<byte> uv = chroma.Slice(0, width);
            for (int x = 0; x < width; x += 2)
            {
                int bar = (x + shift) % width * 8 / width;
                uv[x] = BarU[bar];
                uv[x + 1] = BarV[bar];
            }
            FillPlane(chroma, width, barRows, chromaRows);
        }
        else
        {
            int chromaWidth = width / 2;
            int planeBytes = chromaWidth * chromaRows;
            Span<byte> u = chroma.Slice(0, planeBytes);
            Span<byte> v = chroma.Slice(planeBytes, planeBytes);
            for (int x = 0; x < chromaWidth; x++)
            {
                int bar = (x * 2 + shift) % width * 8 / width;
                u[x] = BarU[bar];
                v[x] = BarV[bar];
            }
            FillPlane(u, chromaWidth, barRows, chromaRows);
            FillPlane(v, chromaWidth, barRows, chromaRows);
        }
    }

    /// <summary>Copies row 0 down to <paramref name="barRows"/>; the rows below (under the noise) get neutral chroma.</summary>
    static void FillPlane(Span<byte> plane, int stride, int barRows, int rows)
    {
        Span<byte> first = plane.Slice(0, stride);
        for (int y = 1; y < barRows; y++)
            first.CopyTo(plane.Slice(y * stride, stride));
        plane.Slice(barRows * stride, (rows - barRows) * stride).Fill(NeutralChroma);
    }

    void DrawNoise(Span<byte> luma)
    {
        Span<byte> band = luma.Slice(_noiseTop * Format.Width);
        ulong state = _noiseState;
        for (int i = 0; i + 8 <= band.Length; i += 8)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            BitConverter.TryWriteBytes(band.Slice(i, 8), state);
        }
        _noiseState = state;
    }

    /// <summary>A dark box with neutral chroma behind the text; coordinates even so chroma lines up.</summary>
    void FillBox(int left, int top, int boxWidth, int boxHeight)
    {
        int width = Format.Width;
        for (int y = top; y < top + boxHeight; y++)
            _frame.AsSpan(y * width + left, boxWidth).Fill(BoxLuma);
        for (int y = top / 2; y < (top + boxHeight) / 2; y++)
        {
            for (int x = left / 2; x < (left + boxWidth) / 2; x++)
                SetChroma(x, y, NeutralChroma, NeutralChroma);
        }
    }

    void SetChroma(int x, int y, byte u, byte v)
    {
        int luma = Format.LumaBytes;
        int chromaWidth = Format.Width / 2;
        if (Format.PixelFormat == PixelFormat.Nv12)
        {
            int at = luma + y * Format.Width + x * 2;
            _frame[at] = u;
            _frame[at + 1] = v;
        }
        else
        {
            int at = y * chromaWidth + x;
            _frame[luma + at] = u;
            _frame[luma + luma / 4 + at] = v;
        }
    }

    internal static void FormatClock(TimeSpan timeOfDay, Span<char> text)
    {
        TwoDigits(timeOfDay.Hours, text.Slice(0, 2));
        text[2] = ':';
        TwoDigits(timeOfDay.Minutes, text.Slice(3, 2));
        text[5] = ':';
        TwoDigits(timeOfDay.Seconds, text.Slice(6, 2));
        text[8] = '.';
        int ms = timeOfDay.Milliseconds;
        text[9] = (char)('0' + ms / 100);
        text[10] = (char)('0' + ms / 10 % 10);
        text[11] = (char)('0' + ms % 10);
    }

    /// <summary>The frame number, zero-padded; only its last digits when it outgrows them.</summary>
    internal static void FormatCounter(long frameIndex, Span<char> text)
    {
        long value = frameIndex;
        for (int i = CounterDigits - 1; i >= 0; i--, value /= 10)
            text[i] = (char)('0' + value % 10);
    }

    static void TwoDigits(int value, Span<char> text)
    {
        text[0] = (char)('0' + value / 10);
        text[1] = (char)('0' + value % 10);
    }
}

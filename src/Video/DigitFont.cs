namespace Ristbond.Video;

/// <summary>
/// A 5x7 bitmap font with only what a clock and a counter need: 0-9, ':' and '.'. Drawn scaled up into a luma
/// plane, so a viewer at the receiver can read capture time and frame number off the picture.
/// </summary>
internal static class DigitFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>Horizontal advance in font pixels: the glyph plus one pixel of space.</summary>
    public const int Advance = GlyphWidth + 1;

    // One byte per row, bit 4 = leftmost column. Order: '0'..'9', ':', '.'.
    static ReadOnlySpan<byte> Glyphs =>
    [
        0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E, // 0
        0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E, // 1
        0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F, // 2
        0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E, // 3
        0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02, // 4
        0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E, // 5
        0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E, // 6
        0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, // 7
        0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E, // 8
        0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C, // 9
        0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00, // :
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C, // .
    ];

    /// <summary>Width in picture pixels of <paramref name="length"/> characters at <paramref name="scale"/>.</summary>
    public static int TextWidth(int length, int scale) => length * Advance * scale;

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (x, y) in luma value <paramref name="ink"/>; only set
    /// pixels are written. Characters other than digits, ':' and '.' are left blank. Clipped to the plane.
    /// </summary>
    public static void Draw(Span<byte> luma, int stride, int height, ReadOnlySpan<char> text, int x, int y, int scale, byte ink)
    {
        for (int c = 0; c < text.Length; c++)
        {
            int glyph = text[c] switch
            {
                >= '0' and <= '9' => text[c] - '0',
                ':' => 10,
                '.' => 11,
                _ => -1,
            };
            if (glyph >= 0)
                DrawGlyph(luma, stride, height, Glyphs.Slice(glyph * GlyphHeight, GlyphHeight), x + c * Advance * scale, y, scale, ink);
        }
    }

    static void DrawGlyph(Span<byte> luma, int stride, int height, ReadOnlySpan<byte> rows, int x, int y, int scale, byte ink)
    {
        for (int row = 0; row < GlyphHeight; row++)
        {
            for (int column = 0; column < GlyphWidth; column++)
            {
                if ((rows[row] & (0x10 >> column)) == 0)
                    continue;
                int left = x + column * scale;
                int width = Math.Min(scale, stride - left);
                if (left < 0 || width <= 0)
                    continue;
                for (int dy = 0; dy < scale; dy++)
                {
                    int line = y + row * scale + dy;
                    if (line >= 0 && line < height)
                        luma.Slice(line * stride + left, width).Fill(ink);
                }
            }
        }
    }
}

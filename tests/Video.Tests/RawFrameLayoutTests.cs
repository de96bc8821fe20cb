using Ristbond.Video.V4l2;

namespace Ristbond.Video.Tests;

/// <summary>Packed frames into the strides, padding and planes V4L2 drivers ask for (pure copies; no device).</summary>
public sealed class RawFrameLayoutTests
{
    const int Width = 32, Height = 16;

    /// <summary>A packed frame whose every byte says where it came from: Y = row, chroma = 100 + row (U) / 200 + row (V).</summary>
    static byte[] Frame(PixelFormat format)
    {
        var frame = new byte[Width * Height * 3 / 2];
        for (int y = 0; y < Height; y++)
            frame.AsSpan(y * Width, Width).Fill((byte)y);
        Span<byte> chroma = frame.AsSpan(Width * Height);
        for (int y = 0; y < Height / 2; y++)
        {
            for (int x = 0; x < Width / 2; x++)
            {
                if (format == PixelFormat.Nv12)
                {
                    chroma[y * Width + 2 * x] = (byte)(100 + y);
                    chroma[y * Width + 2 * x + 1] = (byte)(200 + y);
                }
                else
                {
                    chroma[y * Width / 2 + x] = (byte)(100 + y);
                    chroma[Width * Height / 4 + y * Width / 2 + x] = (byte)(200 + y);
                }
            }
        }
        return frame;
    }

    [Fact]
    public void Nv12_into_padded_rows_and_height()
    {
        var layout = new RawFrameLayout(Width, Height, interleavedChroma: true, memoryPlanes: 1, lumaStride: 64, chromaStride: 0, paddedHeight: 32);
        var plane = new byte[layout.PlaneBytes[0]];
        layout.Copy(Frame(PixelFormat.Nv12), PixelFormat.Nv12, plane, default, default);
        Assert.Equal(64 * 32 * 3 / 2, layout.PlaneBytes[0]);
        Assert.Equal(5, plane[5 * 64 + 31]);
        Assert.Equal(0, plane[5 * 64 + 32]);                 // row padding untouched
        int chroma = 64 * 32;                                 // chroma after the padded luma rows
        Assert.Equal(103, plane[chroma + 3 * 64 + 0]);
        Assert.Equal(203, plane[chroma + 3 * 64 + 1]);
    }

    [Fact]
    public void I420_into_nv12_interleaves_the_chroma()
    {
        var layout = new RawFrameLayout(Width, Height, interleavedChroma: true, memoryPlanes: 1, lumaStride: Width, chromaStride: 0, paddedHeight: Height);
        var plane = new byte[layout.PlaneBytes[0]];
        layout.Copy(Frame(PixelFormat.I420), PixelFormat.I420, plane, default, default);
        Assert.Equal(Frame(PixelFormat.Nv12), plane);
    }

    [Fact]
    public void Nv12_into_three_planes_deinterleaves_the_chroma()
    {
        var layout = new RawFrameLayout(Width, Height, interleavedChroma: false, memoryPlanes: 3, lumaStride: 48, chromaStride: 32, paddedHeight: Height);
        var y = new byte[layout.PlaneBytes[0]];
        var u = new byte[layout.PlaneBytes[1]];
        var v = new byte[layout.PlaneBytes[2]];
        layout.Copy(Frame(PixelFormat.Nv12), PixelFormat.Nv12, y, u, v);
        Assert.Equal(7, y[7 * 48]);
        Assert.Equal(102, u[2 * 32 + 15]);
        Assert.Equal(202, v[2 * 32 + 15]);
        Assert.Equal(0, u[2 * 32 + 16]);
    }

    [Fact]
    public void Single_plane_i420_keeps_packed_frames_byte_for_byte()
    {
        var layout = new RawFrameLayout(Width, Height, interleavedChroma: false, memoryPlanes: 1, lumaStride: Width, chromaStride: 0, paddedHeight: Height);
        var plane = new byte[layout.PlaneBytes[0]];
        byte[] frame = Frame(PixelFormat.I420);
        layout.Copy(frame, PixelFormat.I420, plane, default, default);
        Assert.Equal(frame, plane);
    }

    [Fact]
    public void A_stride_narrower_than_the_frame_is_refused_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => new RawFrameLayout(Width, Height, true, 1, 16, 0, Height));
        Assert.Contains("16-byte rows", error.Message);
        Assert.Contains("32x16", error.Message);
    }
}

namespace Ristbond.Video.V4l2;

/// <summary>
/// Where a raw 4:2:0 frame goes in a V4L2 buffer: the driver chooses the row stride (bytesperline, often aligned
/// to 16..256 bytes), may round the height up (the chroma plane then starts after the padded rows), and may want
/// the planes in separate memory planes (NV12M, YUV420M). <see cref="Copy"/> moves a packed <see cref="VideoFormat"/>
/// frame (I420 or NV12) into that layout, converting between planar and interleaved chroma when the device takes
/// the other one. Pure: spans in, spans out.
/// </summary>
public sealed class RawFrameLayout
{
    /// <param name="width">Visible width in pixels.</param>
    /// <param name="height">Visible height in rows.</param>
    /// <param name="interleavedChroma">NV12 (one UV plane) rather than I420 (U plane, V plane).</param>
    /// <param name="memoryPlanes">1 (all in one buffer), 2 (NV12M: Y, UV) or 3 (YUV420M: Y, U, V).</param>
    /// <param name="lumaStride">bytesperline of the Y plane.</param>
    /// <param name="chromaStride">bytesperline of the chroma plane(s); for one memory plane derived from <paramref name="lumaStride"/>.</param>
    /// <param name="paddedHeight">Rows of Y the driver allocates before the chroma (the height its format reports).</param>
    public RawFrameLayout(int width, int height, bool interleavedChroma, int memoryPlanes, int lumaStride, int chromaStride, int paddedHeight)
    {
        if (memoryPlanes is < 1 or > 3 || (memoryPlanes == 2 && !interleavedChroma) || (memoryPlanes == 3 && interleavedChroma))
            throw new ArgumentException($"A 4:2:0 layout has 1, 2 (NV12M) or 3 (YUV420M) planes, not {memoryPlanes}");
        if (lumaStride < width || paddedHeight < height)
            throw new ArgumentException($"The device's {lumaStride}-byte rows x {paddedHeight} rows cannot hold a {width}x{height} frame");
        Width = width;
        Height = height;
        InterleavedChroma = interleavedChroma;
        MemoryPlanes = memoryPlanes;
        LumaStride = lumaStride;
        PaddedHeight = paddedHeight;
        ChromaStride = memoryPlanes == 1 ? (interleavedChroma ? lumaStride : lumaStride / 2) : chromaStride;
        int chromaRows = (paddedHeight + 1) / 2;
        int lumaBytes = lumaStride * paddedHeight;
        int chromaPlaneBytes = ChromaStride * chromaRows;
        PlaneBytes = memoryPlanes switch
        {
            1 => [lumaBytes + (interleavedChroma ? chromaPlaneBytes : 2 * chromaPlaneBytes)],
            2 => [lumaBytes, chromaPlaneBytes],
            _ => [lumaBytes, chromaPlaneBytes, chromaPlaneBytes],
        };
    }

    public int Width { get; }
    public int Height { get; }
    public bool InterleavedChroma { get; }
    public int MemoryPlanes { get; }
    public int LumaStride { get; }
    public int ChromaStride { get; }
    public int PaddedHeight { get; }

    /// <summary>Bytes used in each memory plane (what QBUF reports as bytesused).</summary>
    public int[] PlaneBytes { get; }

    /// <summary>
    /// True when a buffer laid out as <paramref name="other"/> can be read as this layout: what decides whether an
    /// encoder may import a capture device's DMABUF, or must be given a copy.
    /// </summary>
    public bool SameAs(RawFrameLayout other) =>
        other is not null && MemoryPlanes == other.MemoryPlanes && LumaStride == other.LumaStride && PaddedHeight == other.PaddedHeight
        && InterleavedChroma == other.InterleavedChroma && ChromaStride == other.ChromaStride;

    /// <summary>
    /// Copies packed <paramref name="frame"/> (<paramref name="source"/>'s size and chroma order) into the planes.
    /// <paramref name="plane1"/> and <paramref name="plane2"/> are used only for 2- and 3-plane layouts.
    /// </summary>
    public void Copy(ReadOnlySpan<byte> frame, PixelFormat source, Span<byte> plane0, Span<byte> plane1, Span<byte> plane2)
    {
        if (frame.Length != Width * Height * 3 / 2)
            throw new ArgumentException($"Raw frame is {frame.Length} bytes; a {Width}x{Height} 4:2:0 frame is {Width * Height * 3 / 2}", nameof(frame));
        for (int y = 0; y < Height; y++)
            frame.Slice(y * Width, Width).CopyTo(plane0.Slice(y * LumaStride, Width));

        int lumaBytes = LumaStride * PaddedHeight;
        int chromaRows = Height / 2, chromaWidth = Width / 2, chromaPlaneRows = (PaddedHeight + 1) / 2;
        Span<byte> firstChroma = MemoryPlanes == 1 ? plane0.Slice(lumaBytes) : plane1;
        Span<byte> secondChroma = MemoryPlanes switch
        {
            1 when !InterleavedChroma => plane0.Slice(lumaBytes + ChromaStride * chromaPlaneRows),
            3 => plane2,
            _ => default,
        };
        ReadOnlySpan<byte> chroma = frame.Slice(Width * Height);
        for (int y = 0; y < chromaRows; y++)
        {
            if (source == PixelFormat.Nv12)
            {
                ReadOnlySpan<byte> uv = chroma.Slice(y * Width, Width);
                if (InterleavedChroma)
                    uv.CopyTo(firstChroma.Slice(y * ChromaStride, Width));
                else
                    Deinterleave(uv, firstChroma.Slice(y * ChromaStride, chromaWidth), secondChroma.Slice(y * ChromaStride, chromaWidth));
            }
            else
            {
                ReadOnlySpan<byte> u = chroma.Slice(y * chromaWidth, chromaWidth);
                ReadOnlySpan<byte> v = chroma.Slice(chromaRows * chromaWidth + y * chromaWidth, chromaWidth);
                if (InterleavedChroma)
                    Interleave(u, v, firstChroma.Slice(y * ChromaStride, Width));
                else
                {
                    u.CopyTo(firstChroma.Slice(y * ChromaStride, chromaWidth));
                    v.CopyTo(secondChroma.Slice(y * ChromaStride, chromaWidth));
                }
            }
        }
    }

    static void Interleave(ReadOnlySpan<byte> u, ReadOnlySpan<byte> v, Span<byte> uv)
    {
        for (int i = 0; i < u.Length; i++)
        {
            uv[2 * i] = u[i];
            uv[2 * i + 1] = v[i];
        }
    }

    static void Deinterleave(ReadOnlySpan<byte> uv, Span<byte> u, Span<byte> v)
    {
        for (int i = 0; i < u.Length; i++)
        {
            u[i] = uv[2 * i];
            v[i] = uv[2 * i + 1];
        }
    }
}

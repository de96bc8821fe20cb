using System.Buffers.Binary;
using Ristbond.Video.V4l2;

namespace Ristbond.Video.Tests;

/// <summary>vicodec's frame header, built here as drivers/media/test-drivers/vicodec writes it (magic, then big-endian fields).</summary>
public sealed class FwhtHeaderTests
{
    static byte[] Header(int width, int height, uint flags)
    {
        var header = new byte[FwhtHeader.Length + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x4f4f4f4f);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 0xffffffff);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), 3);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), (uint)height);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), flags);
        return header;
    }

    [Fact]
    public void Reads_size_and_intra_flag()
    {
        byte[] intra = Header(640, 360, (1u << 10) | (2u << 16));
        Assert.True(FwhtHeader.IsIntraFrame(intra));
        Assert.Equal(640, FwhtHeader.Width(intra));
        Assert.Equal(360, FwhtHeader.Height(intra));
        Assert.False(FwhtHeader.IsIntraFrame(Header(640, 360, 2u << 16)));
    }

    [Fact]
    public void Anything_else_is_not_a_header()
    {
        byte[] header = Header(640, 360, 1u << 10);
        header[0] = 0;
        Assert.False(FwhtHeader.IsValid(header));
        Assert.Equal(0, FwhtHeader.Width(header));
        Assert.False(FwhtHeader.IsIntraFrame(header.AsSpan(0, 20)));
    }
}

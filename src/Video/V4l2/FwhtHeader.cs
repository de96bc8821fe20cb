using System.Buffers.Binary;

namespace Ristbond.Video.V4l2;

/// <summary>
/// The header vicodec puts before every FWHT frame (struct fwht_cframe_hdr in drivers/media/test-drivers/vicodec):
/// two magic words, then big-endian version, width, height, flags, colorspace, transfer, encoding, quantization,
/// size. vicodec's encoder does not set V4L2_BUF_FLAG_KEYFRAME, so a keyframe is read from the flags here.
/// </summary>
public static class FwhtHeader
{
    public const int Length = 44;
    const uint Magic = 0x4f4f4f4f;
    const uint IntraFrameFlag = 1u << 10;   // V4L2_FWHT_FL_I_FRAME

    public static bool IsValid(ReadOnlySpan<byte> frame) =>
        frame.Length >= Length && BinaryPrimitives.ReadUInt32LittleEndian(frame) == Magic
        && BinaryPrimitives.ReadUInt32LittleEndian(frame.Slice(4)) == 0xffffffff;

    public static bool IsIntraFrame(ReadOnlySpan<byte> frame) =>
        IsValid(frame) && (BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(20)) & IntraFrameFlag) != 0;

    public static int Width(ReadOnlySpan<byte> frame) => IsValid(frame) ? (int)BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(12)) : 0;

    public static int Height(ReadOnlySpan<byte> frame) => IsValid(frame) ? (int)BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(16)) : 0;
}

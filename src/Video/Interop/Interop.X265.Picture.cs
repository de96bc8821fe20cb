using System.Runtime.InteropServices;
using Ristbond.Video;

// x265.h, picture half. Only the fields ristbond reads or writes are declared; the size is the whole struct
// (analysis data, frame stats, SEI, Dolby Vision RPU follow forceqp) so an x265_picture could live in managed
// memory, but it is allocated by x265_picture_alloc anyway so the library zeroes and owns what it knows about.
// Offsets are for 64-bit Linux, X265_BUILD 199; X265LayoutTests checks them against gcc and /usr/include/x265.h.
internal static partial class Interop
{
    internal static unsafe partial class X265
    {
        internal const int X265_TYPE_AUTO = 0;
        internal const int X265_TYPE_IDR = 1;
        internal const int X265_TYPE_I = 2;

        internal const int X265_CSP_I420 = 1;

        [StructLayout(LayoutKind.Explicit, Size = 16816)]
        internal struct x265_picture
        {
            [FieldOffset(0)] public long pts;
            [FieldOffset(8)] public long dts;
            [FieldOffset(16)] public IntPtr userData;
            [FieldOffset(24)] public byte* plane0;
            [FieldOffset(32)] public byte* plane1;
            [FieldOffset(40)] public byte* plane2;
            [FieldOffset(48)] public int stride0;
            [FieldOffset(52)] public int stride1;
            [FieldOffset(56)] public int stride2;
            [FieldOffset(60)] public int bitDepth;
            [FieldOffset(64)] public int sliceType;
            [FieldOffset(68)] public int poc;
            [FieldOffset(72)] public int colorSpace;
            [FieldOffset(76)] public int forceqp;
        }

        [LibraryImport(Libraries.X265, EntryPoint = "x265_picture_alloc")]
        internal static partial X265PictureHandle x265_picture_alloc();

        [LibraryImport(Libraries.X265, EntryPoint = "x265_picture_free")]
        internal static partial void x265_picture_free(IntPtr picture);

        // Zeroes the picture, then sets bitDepth, colorSpace and forceqp from the parameters.
        [LibraryImport(Libraries.X265, EntryPoint = "x265_picture_init")]
        internal static partial void x265_picture_init(X265ParamHandle param, X265PictureHandle picture);
    }
}

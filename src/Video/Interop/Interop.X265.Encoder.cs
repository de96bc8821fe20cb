using System.Runtime.InteropServices;
using Ristbond.Video;

// x265.h, encoder half.
internal static partial class Interop
{
    internal static unsafe partial class X265
    {
        /// <summary>The ABI this file and Interop.X265.Picture.cs are written for (x265 3.5).</summary>
        internal const int X265_BUILD = 199;

        // x265.h #defines x265_encoder_open to x265_encoder_open_##X265_BUILD so a program built against another
        // ABI fails to link; the exported symbol therefore names the build, and a wrong libx265 fails here too.
        internal const string EncoderOpenSymbol = "x265_encoder_open_199";

        // NalUnitType values that bracket the IRAP pictures (BLA, IDR, CRA) and the parameter sets.
        internal const uint NAL_UNIT_CODED_SLICE_BLA_W_LP = 16;
        internal const uint NAL_UNIT_CODED_SLICE_CRA = 21;
        internal const uint NAL_UNIT_VPS = 32;
        internal const uint NAL_UNIT_SPS = 33;
        internal const uint NAL_UNIT_PPS = 34;

        [StructLayout(LayoutKind.Explicit, Size = 16)]
        internal struct x265_nal
        {
            [FieldOffset(0)] public uint type;
            [FieldOffset(4)] public uint sizeBytes;
            [FieldOffset(8)] public byte* payload;
        }

        [LibraryImport(Libraries.X265, EntryPoint = EncoderOpenSymbol)]
        internal static partial X265EncoderHandle x265_encoder_open(X265ParamHandle param);

        // Returns 1 when an access unit came out, 0 while the pipeline fills (or is empty after a flush), < 0 on
        // error. The NAL array and their payloads (contiguous) belong to the encoder until the next call.
        [LibraryImport(Libraries.X265, EntryPoint = "x265_encoder_encode")]
        internal static partial int x265_encoder_encode(
            X265EncoderHandle encoder, x265_nal** nals, uint* nalCount, x265_picture* pictureIn, x265_picture* pictureOut);

        // Copies rate-control fields of `param` into the running encoder; 0 on success, < 0 if x265 rejects them. What
        // it takes, and when the new rate is used, is explained in X265Encoder.Reconfigure.cs.
        [LibraryImport(Libraries.X265, EntryPoint = "x265_encoder_reconfig")]
        internal static partial int x265_encoder_reconfig(X265EncoderHandle encoder, X265ParamHandle param);

        [LibraryImport(Libraries.X265, EntryPoint = "x265_encoder_close")]
        internal static partial void x265_encoder_close(IntPtr encoder);
    }
}

using Microsoft.Win32.SafeHandles;

namespace Ristbond.Video;

/// <summary>An x265_encoder; releasing it calls x265_encoder_close, which stops its worker threads.</summary>
internal sealed class X265EncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public X265EncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.X265.x265_encoder_close(handle);
        return true;
    }
}

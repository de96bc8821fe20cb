using Microsoft.Win32.SafeHandles;

namespace Ristbond.Video;

/// <summary>An x265_picture from x265_picture_alloc; releasing it calls x265_picture_free.</summary>
internal sealed class X265PictureHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public X265PictureHandle()
        : base(ownsHandle: true)
    {
    }

    internal unsafe Interop.X265.x265_picture* Picture => (Interop.X265.x265_picture*)handle;

    protected override bool ReleaseHandle()
    {
        Interop.X265.x265_picture_free(handle);
        return true;
    }
}

using Microsoft.Win32.SafeHandles;

namespace Ristbond.Video;

/// <summary>An x265_param allocated by libx265; releasing it calls x265_param_free.</summary>
internal sealed class X265ParamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public X265ParamHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.X265.x265_param_free(handle);
        return true;
    }
}

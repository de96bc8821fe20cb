using Microsoft.Win32.SafeHandles;

namespace Ristbond.Rist;

/// <summary>A librist context (struct rist_ctx*); releasing it calls rist_destroy, which also frees its peers.</summary>
internal sealed class RistContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public RistContextHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => Interop.Rist.rist_destroy(handle) == 0;
}

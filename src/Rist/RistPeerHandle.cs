using Microsoft.Win32.SafeHandles;

namespace Ristbond.Rist;

/// <summary>
/// A peer (struct rist_peer*) of a context. It holds a reference on its context, so the context outlives it;
/// releasing it calls rist_peer_destroy.
/// </summary>
internal sealed class RistPeerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    readonly RistContextHandle _context;

    public RistPeerHandle(IntPtr peer, RistContextHandle context)
        : base(ownsHandle: true)
    {
        bool added = false;
        context.DangerousAddRef(ref added);
        _context = context;
        SetHandle(peer);
    }

    public bool Is(IntPtr peer) => handle == peer;

    /// <summary>
    /// Gives the peer up to its context, which frees it in rist_destroy after stopping its threads: the safe way
    /// at shutdown, since rist_peer_destroy races librist's running sender thread.
    /// </summary>
    public void LeaveToContext()
    {
        if (IsClosed)
            return;
        SetHandleAsInvalid();
        _context.DangerousRelease();
    }

    protected override bool ReleaseHandle()
    {
        int result = Interop.Rist.rist_peer_destroy(_context, handle);
        _context.DangerousRelease();
        return result == 0;
    }
}

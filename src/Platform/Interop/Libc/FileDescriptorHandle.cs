using Microsoft.Win32.SafeHandles;

namespace Ristbond.Platform;

/// <summary>
/// A file descriptor ristbond owns (a /dev/videoN, a DMABUF a driver exported, a GPIO line request, an eventfd);
/// releasing it closes it. Linked as source beside <c>Interop.Libc.Close</c>, like the rest of this folder.
/// </summary>
internal sealed class FileDescriptorHandle : SafeHandleMinusOneIsInvalid
{
    public FileDescriptorHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}

using System.Runtime.InteropServices;

// sys/eventfd.h and the read/write on it: the watcher thread sleeps in poll() (src/Platform/Interop/Libc) on the
// bus socket and an eventfd, so Stop() wakes it at once instead of waiting out a timeout.
internal static partial class Interop
{
    internal static unsafe partial class Poll
    {
        internal const int EFD_CLOEXEC = 0x80000;
        internal const int EFD_NONBLOCK = 0x800;

        [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int eventfd(uint initial, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static partial nint read(int fd, void* buffer, nuint count);

        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static partial nint write(int fd, void* buffer, nuint count);
    }
}

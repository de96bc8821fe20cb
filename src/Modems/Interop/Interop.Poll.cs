using System.Runtime.InteropServices;

// poll.h and sys/eventfd.h: the watcher thread sleeps in poll() on the bus socket and an eventfd, so Stop()
// wakes it at once instead of waiting out a timeout.
internal static partial class Interop
{
    internal static unsafe partial class Poll
    {
        internal const short POLLIN = 0x001;
        internal const int EFD_CLOEXEC = 0x80000;
        internal const int EFD_NONBLOCK = 0x800;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int fd;
            public short events;
            public short revents;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "poll", SetLastError = true)]
        internal static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

        [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int eventfd(uint initial, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static partial nint read(int fd, void* buffer, nuint count);

        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static partial nint write(int fd, void* buffer, nuint count);
    }
}

internal static partial class Interop
{
    internal static partial class Poll
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "close")]
        internal static partial int close(int fd);
    }
}

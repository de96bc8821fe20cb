using System.Runtime.InteropServices;

// poll.h poll(2) and its struct pollfd.
internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const short POLLIN = 0x1;
        internal const short POLLPRI = 0x2;
        internal const short POLLOUT = 0x4;
        internal const short POLLERR = 0x8;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
    }
}

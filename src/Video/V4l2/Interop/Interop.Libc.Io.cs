using System.Runtime.InteropServices;

// The libc calls a V4L2 device needs: open/close, ioctl, mmap/munmap, poll. Each returns -1 and leaves
// errno (read with Marshal.GetLastPInvokeError) on failure.
internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int O_RDWR = 0x2;
        internal const int O_NONBLOCK = 0x800;
        internal const int O_CLOEXEC = 0x80000;

        internal const int PROT_READ = 0x1;
        internal const int PROT_WRITE = 0x2;
        internal const int MAP_SHARED = 0x1;

        internal const short POLLIN = 0x1;
        internal const short POLLPRI = 0x2;
        internal const short POLLOUT = 0x4;
        internal const short POLLERR = 0x8;

        internal const int EINTR = 4;
        internal const int EAGAIN = 11;
        internal const int EBUSY = 16;
        internal const int EINVAL = 22;
        internal const int ENOTTY = 25;
        internal const int EPIPE = 32;

        [StructLayout(LayoutKind.Sequential)]
        internal struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);

        // ioctl is variadic in C; on x86-64 and arm64 Linux a pointer third argument is passed exactly as a
        // fixed one, so it is declared with its one form.
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int Ioctl(int fd, nuint request, void* argument);

        [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
        internal static unsafe partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

        [LibraryImport(Libraries.Libc, EntryPoint = "munmap", SetLastError = true)]
        internal static unsafe partial int Munmap(void* address, nuint length);

        [LibraryImport(Libraries.Libc, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
    }
}

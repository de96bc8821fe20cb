using System.Runtime.InteropServices;

// The libc calls a V4L2 device needs besides close, ioctl and poll (src/Platform/Interop/Libc): open and
// mmap/munmap. Each returns -1 and leaves errno (read with Marshal.GetLastPInvokeError) on failure.
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

        internal const int EINTR = 4;
        internal const int EAGAIN = 11;
        internal const int EBUSY = 16;
        internal const int EINVAL = 22;
        internal const int ENOTTY = 25;
        internal const int EPIPE = 32;

        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
        internal static unsafe partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

        [LibraryImport(Libraries.Libc, EntryPoint = "munmap", SetLastError = true)]
        internal static unsafe partial int Munmap(void* address, nuint length);
    }
}

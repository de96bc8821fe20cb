using System.Runtime.InteropServices;

// sys/ioctl.h ioctl(2): variadic in C; on x86-64 and arm64 Linux a pointer third argument is passed exactly as a
// fixed one, so it is declared with its one form.
internal static partial class Interop
{
    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        internal static unsafe partial int Ioctl(int fd, nuint request, void* argument);
    }
}

using System.Runtime.InteropServices;

// unistd.h close(2). The libc entry points in this folder are declared once and linked as source into each module
// that calls them (Compile Include in its .csproj), so every module's interop stays internal to it.
internal static partial class Interop
{
    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}

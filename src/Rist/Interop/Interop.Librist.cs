using Ristbond.Rist;
using System.Runtime.InteropServices;

// librist.h: version queries and the context life cycle shared by senders and receivers.
internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        [LibraryImport(Libraries.Rist, EntryPoint = "librist_version")]
        internal static partial byte* librist_version();

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_start")]
        internal static partial int rist_start(RistContextHandle ctx);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_destroy")]
        internal static partial int rist_destroy(IntPtr ctx);
    }
}

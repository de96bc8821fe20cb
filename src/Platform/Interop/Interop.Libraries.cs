// Every native library ristbond calls, in one place. Linked into each assembly that has an Interop folder.
internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Libc = "libc";
        internal const string Systemd = "libsystemd.so.0";

        // librist built by tools/native/build-librist: linked statically into the NativeAOT binary
        // (DirectPInvoke, src/Appliance); without NativeAOT, the shared build copied beside the assembly
        // as librist.so (src/Rist/Ristbond.Rist.csproj), which the default probing finds first.
        internal const string Rist = "rist";

        // Resolved by Ristbond.Video.X265Library: libx265.so.199 (x265 3.5, X265_BUILD 199) from the system
        // or a path from RISTBOND_LIBX265. The build number is part of the ABI: struct layouts follow it.
        internal const string X265 = "x265";
    }
}

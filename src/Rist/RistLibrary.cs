using System.Runtime.InteropServices;

namespace Ristbond.Rist;

/// <summary>
/// The librist in use, for the start-up log line. There is exactly one: librist 0.2.11, built by
/// tools/native/build-librist from the pinned Debian source. The NativeAOT binary links it statically
/// (DirectPInvoke); assemblies that run without NativeAOT (the tests, <c>dotnet run</c>) load the shared build of
/// the same source, which the build copies beside them as librist.so (see Ristbond.Rist.csproj).
/// </summary>
public static class RistLibrary
{
    static string? s_version;

    /// <summary>librist_version(): "0.2.11".</summary>
    public static unsafe string Version => s_version ??= Marshal.PtrToStringUTF8((IntPtr)Interop.Rist.librist_version()) ?? "";
}

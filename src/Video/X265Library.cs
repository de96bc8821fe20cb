using System.Reflection;
using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Video;

/// <summary>
/// Finds libx265 and checks it is the ABI ristbond's struct layouts are written for (X265_BUILD 199, x265 3.5).
/// The library is the file named by RISTBOND_LIBX265, else libx265.so.199 from the system.
/// </summary>
public static class X265Library
{
    public const string LibraryPathVariable = "RISTBOND_LIBX265";
    public const string DefaultLibrary = "libx265.so.199";
    public const int Build = Interop.X265.X265_BUILD;

    static readonly Lock s_lock = new();
    static IntPtr s_handle;
    static string? s_version;

    /// <summary>The loaded library's version string ("3.5+1-f0c1022b6"); loads it on first use.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return s_version!;
        }
    }

    /// <summary>Loads libx265 once for the process; throws a <see cref="RistbondException"/> that names the file.</summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_handle) != IntPtr.Zero)
            return;
        lock (s_lock)
        {
            if (s_handle != IntPtr.Zero)
                return;
            string path = Environment.GetEnvironmentVariable(LibraryPathVariable) is { Length: > 0 } explicitPath
                ? explicitPath
                : DefaultLibrary;
            IntPtr handle = Load(path, out string version);
            s_version = version;
            NativeLibrary.SetDllImportResolver(typeof(X265Library).Assembly, Resolve);
            Volatile.Write(ref s_handle, handle);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> and checks that it exports the encoder of this ABI build. Public so the
    /// check can be tried on any file without touching the process-wide library.
    /// </summary>
    public static unsafe IntPtr Load(string path, out string version)
    {
        if (!NativeLibrary.TryLoad(path, typeof(X265Library).Assembly, DllImportSearchPath.SafeDirectories, out IntPtr handle))
        {
            throw new RistbondException(
                $"Could not load libx265 ({path}): not found or not loadable; install libx265-{Build} (x265 3.5) or set {LibraryPathVariable}",
                ExitCodes.MissingLibrary);
        }
        if (!NativeLibrary.TryGetExport(handle, Interop.X265.EncoderOpenSymbol, out _))
        {
            NativeLibrary.Free(handle);
            throw new RistbondException(
                $"Could not use libx265 ({path}): it has no {Interop.X265.EncoderOpenSymbol}, so it is not x265 build {Build}; install libx265-{Build}",
                ExitCodes.MissingLibrary);
        }
        // x265_version_str is a `const char*` variable: the export is the address of the pointer.
        version = NativeLibrary.TryGetExport(handle, "x265_version_str", out IntPtr variable)
            ? Marshal.PtrToStringUTF8(*(IntPtr*)variable) ?? "?"
            : "?";
        return handle;
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Interop.Libraries.X265 ? s_handle : IntPtr.Zero;
}

using System.Reflection;
using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Rist;

/// <summary>
/// Finds librist and says what the installed version can do. The library is, in order: the file named by
/// RISTBOND_LIBRIST, librist.so.4 from the system, or the copy linked into the binary (DirectPInvoke builds).
/// </summary>
public static class RistLibrary
{
    public const string LibraryPathVariable = "RISTBOND_LIBRIST";

    /// <summary>The oldest librist ristbond is tested with: one sender context, weighted peers, live weight changes.</summary>
    public static readonly Version Minimum = new(0, 2, 7);

    /// <summary>From this version a caller peer's miface= binds it to an interface (SO_BINDTODEVICE).</summary>
    public static readonly Version CallerMifaceMinimum = new(0, 2, 8);

    static int s_resolverInstalled;
    static Version? s_version;

    /// <summary>The loaded librist's version; throws a <see cref="RistbondException"/> if it is missing or too old.</summary>
    public static Version Version => s_version ??= Load();

    public static bool SupportsCallerMiface => Version >= CallerMifaceMinimum;

    static unsafe Version Load()
    {
        InstallResolver();
        string text;
        try
        {
            text = Marshal.PtrToStringUTF8((IntPtr)Interop.Rist.librist_version()) ?? "";
        }
        catch (DllNotFoundException e)
        {
            string where = Environment.GetEnvironmentVariable(LibraryPathVariable) is string path ? path : "librist.so.4";
            throw new RistbondException($"librist not found ({where}): install librist4 {Minimum} or newer", ExitCodes.MissingLibrary, e);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new RistbondException($"librist is too old (no librist_version): install librist4 {Minimum} or newer", ExitCodes.MissingLibrary, e);
        }
        Version version = ParseVersion(text)
            ?? throw new RistbondException($"librist reports an unreadable version '{text}'", ExitCodes.MissingLibrary);
        if (version < Minimum)
            throw new RistbondException($"librist {text} is too old: ristbond needs {Minimum} or newer", ExitCodes.MissingLibrary);
        return version;
    }

    /// <summary>"0.2.7", "v0.2.10-3-gabc", "0.2.8+dfsg" → the first three numbers.</summary>
    public static Version? ParseVersion(string text)
    {
        var numbers = new List<int>(3);
        foreach (string part in text.TrimStart('v').Split('.', 3))
        {
            int length = 0;
            while (length < part.Length && char.IsAsciiDigit(part[length]))
                length++;
            if (length == 0 || !int.TryParse(part.AsSpan(0, length), out int value))
                return null;
            numbers.Add(value);
        }
        return numbers.Count == 3 ? new Version(numbers[0], numbers[1], numbers[2]) : null;
    }

    static void InstallResolver()
    {
        if (Interlocked.Exchange(ref s_resolverInstalled, 1) != 0)
            return;
        NativeLibrary.SetDllImportResolver(typeof(RistLibrary).Assembly, Resolve);
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Interop.Libraries.Rist)
            return IntPtr.Zero;
        if (Environment.GetEnvironmentVariable(LibraryPathVariable) is { Length: > 0 } path)
            return NativeLibrary.TryLoad(path, out IntPtr explicitHandle) ? explicitHandle : throw new DllNotFoundException(path);
        foreach (string candidate in (ReadOnlySpan<string>)["librist.so.4", "librist.so"])
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out IntPtr handle))
                return handle;
        }
        return IntPtr.Zero;
    }
}

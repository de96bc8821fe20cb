using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Modems.Bus;

/// <summary>
/// sd-bus returns negative errno values; this turns them into one-line <see cref="RistbondException"/>s that read
/// "Could not &lt;verb&gt; &lt;object&gt;: &lt;strerror&gt;", and names the D-Bus errors a reply carries.
/// </summary>
internal static class BusErrors
{
    /// <summary>Returns <paramref name="result"/> when it is not negative; otherwise throws naming what failed.</summary>
    public static int Check(int result, string what)
    {
        if (result < 0)
            ThrowErrno(result, what);
        return result;
    }

    [DoesNotReturn]
    public static void ThrowErrno(int negativeErrno, string what) =>
        throw new RistbondException($"Could not {what}: {Describe(negativeErrno)}", ExitCodes.RuntimeFailure);

    /// <summary>Like <see cref="Check"/>, for reading a received message: its failure condemns the message, not the connection.</summary>
    public static void CheckRead(int result, string what)
    {
        if (result < 0)
            throw new DBusFormatException($"Could not {what}: {Describe(result)}");
    }

    /// <summary>strerror text for a negative errno, e.g. -2 → "No such file or directory".</summary>
    public static string Describe(int negativeErrno) => Marshal.GetPInvokeErrorMessage(-negativeErrno);

    /// <summary>libsystemd.so.0 missing is a setup problem: say which package provides it.</summary>
    public static RistbondException LibraryMissing(Exception inner) =>
        new($"libsystemd.so.0 not found: ModemManager support talks D-Bus through systemd's sd-bus (install libsystemd0)",
            ExitCodes.RuntimeFailure, inner);

    /// <summary>The D-Bus error of a failed call, e.g. "org.freedesktop.DBus.Error.ServiceUnknown: The name … was not provided".</summary>
    public static unsafe BusError FromNative(Interop.SdBus.sd_bus_error* error, int result)
    {
        string? name = error is null || error->name is null ? null : Marshal.PtrToStringUTF8((IntPtr)error->name);
        string? message = error is null || error->message is null ? null : Marshal.PtrToStringUTF8((IntPtr)error->message);
        return name is null ? new BusError("errno", Describe(result)) : new BusError(name, message ?? "");
    }
}

/// <summary>A D-Bus error reply (or a local failure, Name "errno"), kept as data: a call failing is an event, not a crash.</summary>
public readonly record struct BusError(string Name, string Message)
{
    public const string NameHasNoOwner = "org.freedesktop.DBus.Error.NameHasNoOwner";

    public override string ToString() => string.IsNullOrEmpty(Message) ? Name ?? "" : $"{Name}: {Message}";
}

/// <summary>A received message whose content does not read as its own signature promised: skip the message, not the loop.</summary>
internal sealed class DBusFormatException(string message) : Exception(message);

using System.Runtime.InteropServices;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Modems.Bus;

/// <summary>
/// One sd-bus connection, used by ONE thread (sd-bus objects are not thread-safe). Signals matched with
/// <see cref="AddMatch"/> and replies to <see cref="CallAsync"/> are not handled inside sd-bus's callback: the
/// callback takes a reference on the message and parks it in the inbox, and the owning loop handles the inbox
/// after <see cref="Process"/>, in arrival order (D-Bus keeps one sender's messages in order; so do we).
/// </summary>
internal sealed unsafe class SdBusConnection : IDisposable
{
    public const string DefaultSystemBusAddress = "unix:path=/run/dbus/system_bus_socket";
    const ulong MicrosPerSecond = 1_000_000;

    readonly SdBusHandle _bus;
    readonly List<SdBusMessageHandle> _inbox = [];
    GCHandle _self;

    SdBusConnection(SdBusHandle bus, string address)
    {
        _bus = bus;
        Address = address;
        _self = GCHandle.Alloc(this);
    }

    /// <summary>The address connected to, for messages ("unix:path=…").</summary>
    public string Address { get; }

    /// <summary>
    /// Connects to <paramref name="address"/>, or to the system bus (DBUS_SYSTEM_BUS_ADDRESS, else the standard socket)
    /// when it is null. Throws a <see cref="RistbondException"/> naming the address when nobody listens there.
    /// </summary>
    public static SdBusConnection Open(string? address)
    {
        string shown = address ?? Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") ?? DefaultSystemBusAddress;
        try
        {
            SdBusHandle bus;
            int result;
            if (address is null)
            {
                result = Interop.SdBus.sd_bus_open_system(out bus);
            }
            else
            {
                BusErrors.Check(Interop.SdBus.sd_bus_new(out bus), "create an sd-bus connection");
                result = Interop.SdBus.sd_bus_set_address(bus, address);
                if (result >= 0)
                    result = Interop.SdBus.sd_bus_set_bus_client(bus, 1);
                if (result >= 0)
                    result = Interop.SdBus.sd_bus_start(bus);
            }
            if (result < 0)
            {
                bus.Dispose();
                BusErrors.ThrowErrno(result, $"connect to the system D-Bus at {shown}");
            }
            return new SdBusConnection(bus, shown);
        }
        catch (DllNotFoundException e)
        {
            throw BusErrors.LibraryMissing(e);
        }
    }

    public SdBusMessageHandle NewMethodCall(string destination, string path, string @interface, string member)
    {
        BusErrors.Check(
            Interop.SdBus.sd_bus_message_new_method_call(_bus, out SdBusMessageHandle message, destination, path, @interface, member),
            $"create a call of {@interface}.{member} on {path}");
        return message;
    }

    /// <summary>Calls and waits for the reply (at most <paramref name="timeout"/>). For one-shot tools, not for the watcher loop.</summary>
    public bool TryCall(SdBusMessageHandle call, TimeSpan timeout, out SdBusMessageHandle reply, out BusError error)
    {
        Interop.SdBus.sd_bus_error native = default;
        try
        {
            int result = Interop.SdBus.sd_bus_call(_bus, call, ToMicros(timeout), &native, out reply);
            error = result < 0 ? BusErrors.FromNative(&native, result) : default;
            return result >= 0;
        }
        finally
        {
            Interop.SdBus.sd_bus_error_free(&native);
        }
    }

    /// <summary>
    /// Sends a call; its reply (or the error sd-bus makes up after <paramref name="timeout"/> or when the connection
    /// drops) lands in the inbox. Returns the call's cookie: the reply carries it as its reply cookie.
    /// </summary>
    public ulong CallAsync(SdBusMessageHandle call, TimeSpan timeout)
    {
        BusErrors.Check(
            Interop.SdBus.sd_bus_call_async(_bus, null, call, &OnMessage, GCHandle.ToIntPtr(_self), ToMicros(timeout)),
            $"send a D-Bus call on {Address}");
        ulong cookie;
        BusErrors.Check(Interop.SdBus.sd_bus_message_get_cookie(call, &cookie), "read a sent call's cookie");
        return cookie;
    }

    /// <summary>Asks the bus for signals matching <paramref name="rule"/> (D-Bus match rule syntax); they land in the inbox.</summary>
    public void AddMatch(string rule) =>
        BusErrors.Check(Interop.SdBus.sd_bus_add_match(_bus, null, rule, &OnMessage, GCHandle.ToIntPtr(_self)), $"add the D-Bus match {rule}");

    /// <summary>Reads and dispatches what is pending. Returns false when the connection is gone (the daemon went away).</summary>
    public bool Process(out int error)
    {
        error = 0;
        while (true)
        {
            int result = Interop.SdBus.sd_bus_process(_bus, null);
            if (result < 0)
            {
                error = result;
                return false;
            }
            if (result == 0)
                return true;
        }
    }

    /// <summary>Moves the parked signals and replies, oldest first, into <paramref name="into"/>; the caller disposes them.</summary>
    public void DrainInbox(List<SdBusMessageHandle> into)
    {
        into.AddRange(_inbox);
        _inbox.Clear();
    }

    public int Fd => Interop.SdBus.sd_bus_get_fd(_bus);

    /// <summary>The poll events sd-bus wants on <see cref="Fd"/> right now (POLLIN, and POLLOUT while it has unsent data).</summary>
    public short Events => (short)Math.Max(0, Interop.SdBus.sd_bus_get_events(_bus));

    /// <summary>sd-bus's next deadline (a pending call's timeout) on CLOCK_MONOTONIC in nanoseconds, or null.</summary>
    public long? NextDeadlineNanos
    {
        get
        {
            ulong usec;
            if (Interop.SdBus.sd_bus_get_timeout(_bus, &usec) < 0 || usec == ulong.MaxValue)
                return null;
            return usec > long.MaxValue / 1000 ? null : (long)usec * 1000;
        }
    }

    [UnmanagedCallersOnly]
    static int OnMessage(IntPtr message, IntPtr userdata, Interop.SdBus.sd_bus_error* error)
    {
        try
        {
            if (GCHandle.FromIntPtr(userdata).Target is SdBusConnection connection)
                connection._inbox.Add(SdBusMessageHandle.Borrow(message));
        }
        catch (Exception e)
        {
            Environment.FailFast("sd-bus message callback failed", e);
        }
        return 0;
    }

    static ulong ToMicros(TimeSpan timeout) => timeout <= TimeSpan.Zero ? 0 : (ulong)timeout.TotalMicroseconds;

    public void Dispose()
    {
        // The bus first: closing it drops its floating slots, so no callback can run after the GCHandle is freed.
        _bus.Dispose();
        foreach (SdBusMessageHandle message in _inbox)
            message.Dispose();
        _inbox.Clear();
        if (_self.IsAllocated)
            _self.Free();
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> for sd-bus's const char* parameters.</summary>
    internal static byte[] Utf8Z(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    internal static string? FromUtf8Z(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((IntPtr)text);
}

using System.Runtime.InteropServices;
using Ristbond.Modems.Bus;

// sd-bus.h, the connection half: open, match, call, and the pieces of its event loop we drive ourselves
// (fd, events, timeout, process). Non-varargs entry points only: the varargs ones (sd_bus_call_method,
// sd_bus_message_append/read) cannot be called safely through P/Invoke on every ABI.
internal static partial class Interop
{
    internal static unsafe partial class SdBus
    {

        // Connects to DBUS_SYSTEM_BUS_ADDRESS, else unix:path=/run/dbus/system_bus_socket.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_open_system")]
        internal static partial int sd_bus_open_system(out SdBusHandle bus);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_new")]
        internal static partial int sd_bus_new(out SdBusHandle bus);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_set_address", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int sd_bus_set_address(SdBusHandle bus, string address);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_set_bus_client")]
        internal static partial int sd_bus_set_bus_client(SdBusHandle bus, int isBusClient);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_start")]
        internal static partial int sd_bus_start(SdBusHandle bus);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_flush_close_unref")]
        internal static partial IntPtr sd_bus_flush_close_unref(IntPtr bus);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_get_fd")]
        internal static partial int sd_bus_get_fd(SdBusHandle bus);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_get_events")]
        internal static partial int sd_bus_get_events(SdBusHandle bus);

        // An absolute CLOCK_MONOTONIC time in µs, or ulong.MaxValue for "no timeout pending".
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_get_timeout")]
        internal static partial int sd_bus_get_timeout(SdBusHandle bus, ulong* timeoutUsec);

        // Returns > 0 when it did something and should be called again, 0 when idle.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_process")]
        internal static partial int sd_bus_process(SdBusHandle bus, IntPtr* unhandled);

        // A floating match (slot == NULL): it lives as long as the connection.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_add_match", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int sd_bus_add_match(
            SdBusHandle bus, IntPtr* slot, string match, delegate* unmanaged<IntPtr, IntPtr, sd_bus_error*, int> callback, IntPtr userdata);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_call")]
        internal static partial int sd_bus_call(
            SdBusHandle bus, SdBusMessageHandle message, ulong timeoutUsec, sd_bus_error* error, out SdBusMessageHandle reply);

        // A floating slot (slot == NULL): the reply callback runs once, then sd-bus forgets it.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_call_async")]
        internal static partial int sd_bus_call_async(
            SdBusHandle bus, IntPtr* slot, SdBusMessageHandle message,
            delegate* unmanaged<IntPtr, IntPtr, sd_bus_error*, int> callback, IntPtr userdata, ulong timeoutUsec);
    }
}

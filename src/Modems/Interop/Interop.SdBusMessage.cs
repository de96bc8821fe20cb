using System.Runtime.InteropServices;
using Ristbond.Modems.Bus;

// sd-bus.h, the message half: build a method call, append and read one basic value or container at a time,
// and the header fields a dispatcher looks at.
internal static partial class Interop
{
    internal static unsafe partial class SdBus
    {
        internal const byte SD_BUS_MESSAGE_METHOD_CALL = 1;
        internal const byte SD_BUS_MESSAGE_METHOD_RETURN = 2;
        internal const byte SD_BUS_MESSAGE_METHOD_ERROR = 3;
        internal const byte SD_BUS_MESSAGE_SIGNAL = 4;

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_new_method_call", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int sd_bus_message_new_method_call(
            SdBusHandle bus, out SdBusMessageHandle message, string destination, string path, string @interface, string member);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_ref")]
        internal static partial IntPtr sd_bus_message_ref(IntPtr message);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_unref")]
        internal static partial IntPtr sd_bus_message_unref(IntPtr message);

        // For 's', 'o' and 'g', value is the char* itself; for the others, a pointer to the value.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_append_basic")]
        internal static partial int sd_bus_message_append_basic(SdBusMessageHandle message, byte type, void* value);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_open_container")]
        internal static partial int sd_bus_message_open_container(SdBusMessageHandle message, byte type, byte* contents);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_close_container")]
        internal static partial int sd_bus_message_close_container(SdBusMessageHandle message);

        // For 's', 'o' and 'g', value receives a const char* into the message (valid while the message lives).
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_read_basic")]
        internal static partial int sd_bus_message_read_basic(SdBusMessageHandle message, byte type, void* value);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_enter_container")]
        internal static partial int sd_bus_message_enter_container(SdBusMessageHandle message, byte type, byte* contents);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_exit_container")]
        internal static partial int sd_bus_message_exit_container(SdBusMessageHandle message);

        // > 0 with the next element's type (and a container's contents), 0 at the end of the current container.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_peek_type")]
        internal static partial int sd_bus_message_peek_type(SdBusMessageHandle message, byte* type, byte** contents);

        // types == NULL skips exactly one complete element of any type.
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_skip")]
        internal static partial int sd_bus_message_skip(SdBusMessageHandle message, byte* types);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_type")]
        internal static partial int sd_bus_message_get_type(SdBusMessageHandle message, byte* type);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_cookie")]
        internal static partial int sd_bus_message_get_cookie(SdBusMessageHandle message, ulong* cookie);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_reply_cookie")]
        internal static partial int sd_bus_message_get_reply_cookie(SdBusMessageHandle message, ulong* cookie);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_path")]
        internal static partial byte* sd_bus_message_get_path(SdBusMessageHandle message);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_interface")]
        internal static partial byte* sd_bus_message_get_interface(SdBusMessageHandle message);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_member")]
        internal static partial byte* sd_bus_message_get_member(SdBusMessageHandle message);

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_sender")]
        internal static partial byte* sd_bus_message_get_sender(SdBusMessageHandle message);

        // The error carried by a METHOD_ERROR message (synthesised by sd-bus for timeouts and lost connections).
        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_message_get_error")]
        internal static partial sd_bus_error* sd_bus_message_get_error(SdBusMessageHandle message);
    }
}

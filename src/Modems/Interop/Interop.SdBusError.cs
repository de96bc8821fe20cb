using System.Runtime.InteropServices;

// sd-bus.h: struct sd_bus_error, filled by sd_bus_call; its strings are freed by sd_bus_error_free.
internal static partial class Interop
{
    internal static unsafe partial class SdBus
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct sd_bus_error
        {
            public byte* name;
            public byte* message;
            public int _need_free;
        }

        [LibraryImport(Libraries.Systemd, EntryPoint = "sd_bus_error_free")]
        internal static partial void sd_bus_error_free(sd_bus_error* error);
    }
}

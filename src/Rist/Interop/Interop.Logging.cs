using System.Runtime.InteropServices;

// logging.h: the settings struct handed to rist_sender_create; librist copies it.
internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        internal const int RIST_LOG_DISABLE = -1;
        internal const int RIST_LOG_ERROR = 3;
        internal const int RIST_LOG_WARN = 4;
        internal const int RIST_LOG_NOTICE = 5;
        internal const int RIST_LOG_INFO = 6;
        internal const int RIST_LOG_DEBUG = 7;

        [StructLayout(LayoutKind.Explicit, Size = 40)]
        internal struct rist_logging_settings
        {
            [FieldOffset(0)] public int log_level;
            [FieldOffset(8)] public delegate* unmanaged<IntPtr, int, byte*, int> log_cb;
            [FieldOffset(16)] public IntPtr log_cb_arg;
            [FieldOffset(24)] public int log_socket;
            [FieldOffset(32)] public IntPtr log_stream;
        }
    }
}

internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        // The library-wide settings, used where librist has no context (address resolution, socket errors).
        [LibraryImport(Libraries.Rist, EntryPoint = "rist_logging_set_global")]
        internal static partial int rist_logging_set_global(rist_logging_settings* settings);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_logging_unset_global")]
        internal static partial void rist_logging_unset_global();
    }
}

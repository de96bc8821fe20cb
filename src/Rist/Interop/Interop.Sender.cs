using Ristbond.Rist;
using System.Runtime.InteropServices;

// sender.h and the data block of headers.h.
internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        internal const int RIST_PROFILE_MAIN = 1;

        [StructLayout(LayoutKind.Explicit, Size = 72)]
        internal struct rist_data_block
        {
            [FieldOffset(0)] public byte* payload;
            [FieldOffset(8)] public nuint payload_len;
            [FieldOffset(16)] public ulong ts_ntp;
            [FieldOffset(24)] public ushort virt_src_port;
            [FieldOffset(26)] public ushort virt_dst_port;
            [FieldOffset(32)] public IntPtr peer;
            [FieldOffset(40)] public uint flow_id;
            [FieldOffset(48)] public ulong seq;
            [FieldOffset(56)] public uint flags;
            [FieldOffset(64)] public IntPtr @ref;
        }

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_sender_create")]
        internal static partial int rist_sender_create(out RistContextHandle ctx, int profile, uint flowId, rist_logging_settings* logging);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_sender_flow_id_get")]
        internal static partial int rist_sender_flow_id_get(RistContextHandle ctx, out uint flowId);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_sender_data_write")]
        internal static partial int rist_sender_data_write(RistContextHandle ctx, rist_data_block* block);
    }
}

using Ristbond.Rist;
using System.Runtime.InteropServices;

// stats.h: the sender-peer member of the stats union; receiver flow stats are not used by a sender.
internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        internal const int RIST_STATS_SENDER_PEER = 0;

        [StructLayout(LayoutKind.Explicit, Size = 192)]
        internal struct rist_stats_sender_peer
        {
            [FieldOffset(0)] public fixed byte cname[128];
            [FieldOffset(128)] public uint peer_id;
            [FieldOffset(136)] public nuint bandwidth;
            [FieldOffset(144)] public nuint retry_bandwidth;
            [FieldOffset(152)] public ulong sent;
            [FieldOffset(160)] public ulong received;
            [FieldOffset(168)] public ulong retransmitted;
            [FieldOffset(176)] public double quality;
            [FieldOffset(184)] public uint rtt;
        }

        [StructLayout(LayoutKind.Explicit, Size = 392)]
        internal struct rist_stats
        {
            [FieldOffset(0)] public uint json_size;
            [FieldOffset(8)] public byte* stats_json;
            [FieldOffset(16)] public ushort version;
            [FieldOffset(20)] public int stats_type;
            [FieldOffset(24)] public rist_stats_sender_peer sender_peer;
        }

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_stats_callback_set")]
        internal static partial int rist_stats_callback_set(
            RistContextHandle ctx, int intervalMs, delegate* unmanaged<IntPtr, rist_stats*, int> callback, IntPtr arg);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_stats_free")]
        internal static partial int rist_stats_free(rist_stats* stats);
    }
}

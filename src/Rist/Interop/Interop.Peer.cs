using Ristbond.Rist;
using System.Runtime.InteropServices;

// peer.h: peers are configured from URL strings (rist_parse_address2), never by mirroring rist_peer_config.
internal static partial class Interop
{
    internal static unsafe partial class Rist
    {
        internal const int RIST_CONNECTION_ESTABLISHED = 0;
        internal const int RIST_CONNECTION_TIMED_OUT = 1;
        internal const int RIST_CLIENT_CONNECTED = 2;
        internal const int RIST_CLIENT_TIMED_OUT = 3;

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_parse_address2", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int rist_parse_address2(string url, out IntPtr peerConfig);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_peer_config_free2")]
        internal static partial int rist_peer_config_free2(ref IntPtr peerConfig);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_peer_create")]
        internal static partial int rist_peer_create(RistContextHandle ctx, out IntPtr peer, IntPtr peerConfig);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_peer_destroy")]
        internal static partial int rist_peer_destroy(RistContextHandle ctx, IntPtr peer);

        /// <summary>The number librist gives the peer in its stats (rist_stats_sender_peer.peer_id). From 0.2.8.</summary>
        [LibraryImport(Libraries.Rist, EntryPoint = "rist_peer_get_id")]
        internal static partial uint rist_peer_get_id(IntPtr peer);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_peer_weight_set")]
        internal static partial int rist_peer_weight_set(RistContextHandle ctx, IntPtr peer, uint weight);

        [LibraryImport(Libraries.Rist, EntryPoint = "rist_connection_status_callback_set")]
        internal static partial int rist_connection_status_callback_set(
            RistContextHandle ctx, delegate* unmanaged<IntPtr, IntPtr, int, void> callback, IntPtr arg);
    }
}

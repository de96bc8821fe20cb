using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Rist;

// librist's callbacks. They run on librist's threads, under its peer-list lock: they copy numbers into our own
// state and return. The only librist call made from one is rist_stats_free, which the API requires there.
public sealed partial class RistSender
{
    const string AdvertisingPrefix = "Advertising flow_id ";

    /// <summary>The peer id librist announced in its log while creating a peer on this thread (0 if none).</summary>
    [ThreadStatic]
    static uint t_advertisedPeerId;

    /// <summary>True on a thread inside rist_peer_create: its log lines are read for the new peer's id.</summary>
    [ThreadStatic]
    static bool t_creatingPeer;

    unsafe Interop.Rist.rist_logging_settings* _loggingSettings;

    static unsafe Interop.Rist.rist_logging_settings* CreateLoggingSettings()
    {
        var settings = (Interop.Rist.rist_logging_settings*)NativeMemory.AllocZeroed((nuint)sizeof(Interop.Rist.rist_logging_settings));
        // INFO, not less: librist announces each new peer's id at INFO, and that is how stats find their link.
        // (Never RIST_LOG_SIMULATE: it turns on simulated packet loss.)
        settings->log_level = Interop.Rist.RIST_LOG_INFO;
        settings->log_cb = &OnLog;
        settings->log_socket = -1;
        return settings;
    }

    static RistSender? FromArg(IntPtr arg) => arg == IntPtr.Zero ? null : GCHandle.FromIntPtr(arg).Target as RistSender;

    [UnmanagedCallersOnly]
    static unsafe int OnStats(IntPtr arg, Interop.Rist.rist_stats* stats)
    {
        try
        {
            if (stats->stats_type == Interop.Rist.RIST_STATS_SENDER_PEER && FromArg(arg) is RistSender sender)
            {
                uint peerId = stats->sender_peer.peer_id;
                foreach (RistLink link in sender.Links)
                {
                    if (link.PeerId == peerId)
                    {
                        link.AddReport(stats->sender_peer, MonotonicClock.NowNanos);
                        break;
                    }
                }
            }
        }
        catch (Exception e)
        {
            Environment.FailFast("librist stats callback failed", e);
        }
        Interop.Rist.rist_stats_free(stats);
        return 0;
    }

    [UnmanagedCallersOnly]
    static void OnConnectionStatus(IntPtr arg, IntPtr peer, int status)
    {
        try
        {
            if (status != Interop.Rist.RIST_CONNECTION_ESTABLISHED || FromArg(arg) is not RistSender sender)
                return;
            foreach (RistLink link in sender.Links)
            {
                if (link.Peer.Is(peer) && !link.EverEstablished)
                {
                    link.MarkEstablished();
                    sender._log.LogInformation("link {Link}: receiver {Receiver} answered", link.Name, link.Receiver);
                }
            }
        }
        catch (Exception e)
        {
            Environment.FailFast("librist connection callback failed", e);
        }
    }

    [UnmanagedCallersOnly]
    static unsafe int OnLog(IntPtr arg, int level, byte* message)
    {
        try
        {
            ILogger? log = FromArg(arg)?._log;
            LogLevel mapped = level switch
            {
                Interop.Rist.RIST_LOG_ERROR => LogLevel.Error,
                Interop.Rist.RIST_LOG_WARN => LogLevel.Warning,
                Interop.Rist.RIST_LOG_NOTICE => LogLevel.Information,
                Interop.Rist.RIST_LOG_INFO => LogLevel.Debug,
                _ => LogLevel.Trace,
            };
            bool wanted = log is not null && log.IsEnabled(mapped);
            if (!wanted && !t_creatingPeer)
                return 0; // the common case on librist's threads and ours: no string is made
            string text = (Marshal.PtrToStringUTF8((IntPtr)message) ?? "").TrimEnd('\n', '\r', ' ');
            if (t_creatingPeer && text.StartsWith(AdvertisingPrefix, StringComparison.Ordinal))
                t_advertisedPeerId = ParseAdvertisedPeerId(text);
            if (wanted)
                log!.Log(mapped, "librist: {Message}", text);
        }
        catch (Exception e)
        {
            Environment.FailFast("librist log callback failed", e);
        }
        return 0;
    }

    /// <summary>"Advertising flow_id 123 and peer_id 4" → 4; 0 if the text is not that.</summary>
    internal static uint ParseAdvertisedPeerId(string text)
    {
        int at = text.LastIndexOf("peer_id ", StringComparison.Ordinal);
        if (at < 0)
            return 0;
        ReadOnlySpan<char> digits = text.AsSpan(at + "peer_id ".Length);
        int length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
            length++;
        return uint.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out uint id) ? id : 0;
    }
}

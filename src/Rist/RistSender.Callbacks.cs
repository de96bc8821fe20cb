using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Rist;

// librist's callbacks. They run on librist's threads, under its peer-list lock: they copy numbers into our own
// state and return. The only librist call made from one is rist_stats_free, which the API requires there.
public sealed partial class RistSender
{
    unsafe Interop.Rist.rist_logging_settings* _loggingSettings;

    static unsafe Interop.Rist.rist_logging_settings* CreateLoggingSettings(ILogger log)
    {
        var settings = (Interop.Rist.rist_logging_settings*)NativeMemory.AllocZeroed((nuint)sizeof(Interop.Rist.rist_logging_settings));
        // Only what our logger shows: librist formats each message before the callback sees it. INFO maps to
        // Debug below. (Never RIST_LOG_SIMULATE: it turns on simulated packet loss.)
        settings->log_level = log.IsEnabled(LogLevel.Debug) ? Interop.Rist.RIST_LOG_INFO : Interop.Rist.RIST_LOG_NOTICE;
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
            if (log is null || !log.IsEnabled(mapped))
                return 0;
            string text = (Marshal.PtrToStringUTF8((IntPtr)message) ?? "").TrimEnd('\n', '\r', ' ');
            log.Log(mapped, "librist: {Message}", text);
        }
        catch (Exception e)
        {
            Environment.FailFast("librist log callback failed", e);
        }
        return 0;
    }
}

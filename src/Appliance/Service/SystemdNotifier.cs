using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Ristbond.Platform;

namespace Ristbond.Appliance.Service;

/// <summary>
/// systemd's notification protocol (sd_notify(3)) for a <c>Type=notify</c> service: newline-separated
/// <c>KEY=VALUE</c> lines in one datagram to the Unix socket named by <c>$NOTIFY_SOCKET</c> (a leading '@' names an
/// abstract socket). A few lines of socket code rather than a libsystemd dependency for four messages.
/// Without <c>$NOTIFY_SOCKET</c> (not under systemd) every call does nothing. The watchdog is pinged from
/// <see cref="WatchdogTick"/>, which the control loop calls on each tick, at half of <c>$WATCHDOG_USEC</c>: if the
/// loop hangs the pings stop and systemd restarts the service.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    readonly Socket? _socket;
    readonly UnixDomainSocketEndPoint? _endpoint;
    long _lastWatchdogNanos;
    int _failures;

    SystemdNotifier(string? socketPath, long watchdogNanos)
    {
        WatchdogIntervalNanos = watchdogNanos;
        if (string.IsNullOrEmpty(socketPath) || socketPath[0] is not ('/' or '@'))
            return;
        _endpoint = new UnixDomainSocketEndPoint(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>Reads (and removes, so child processes such as --bitrate-command do not inherit them) NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID.</summary>
    public static SystemdNotifier FromEnvironment()
    {
        string? socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        long watchdogNanos = 0;
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0
            && (Environment.GetEnvironmentVariable("WATCHDOG_PID") is not string pid || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            watchdogNanos = usec * 1000;
        }
        foreach (string name in (string[])["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"])
            Environment.SetEnvironmentVariable(name, null);
        return new SystemdNotifier(socket, watchdogNanos);
    }

    /// <summary>For tests: a notifier for this socket ('/path' or '@abstract') and watchdog interval.</summary>
    internal static SystemdNotifier Create(string? socketPath, long watchdogNanos) => new(socketPath, watchdogNanos);

    /// <summary>True under systemd (a notification socket is set).</summary>
    public bool Enabled => _socket is not null;

    /// <summary>The watchdog interval asked for (WatchdogSec=), 0 if none.</summary>
    public long WatchdogIntervalNanos { get; }

    /// <summary>Datagrams that could not be sent (systemd gone, socket full): counted, never fatal.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public void Ready(string status) => Notify($"READY=1\nSTATUS={status}");

    /// <summary>Before a reload; systemd 253+ also wants the monotonic time of the request.</summary>
    public void Reloading() => Notify($"RELOADING=1\nMONOTONIC_USEC={MonotonicClock.NowNanos / 1000}\nSTATUS=reloading the configuration");

    public void Stopping() => Notify("STOPPING=1\nSTATUS=stopping: letting retransmissions finish");

    public void Status(string status) => Notify("STATUS=" + status);

    /// <summary>Pings the watchdog if half its interval has passed since the last ping. Call from the working loop only.</summary>
    public void WatchdogTick(long nowNanos)
    {
        if (WatchdogIntervalNanos <= 0 || nowNanos - _lastWatchdogNanos < WatchdogIntervalNanos / 2)
            return;
        _lastWatchdogNanos = nowNanos;
        Notify("WATCHDOG=1");
    }

    /// <summary>Sends one notification; any thread (datagram sends are atomic).</summary>
    public void Notify(string state)
    {
        if (_socket is null)
            return;
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint!);
        }
        catch (SocketException)
        {
            // sd_notify's own rule: a notification that cannot be delivered is not the service's failure.
            Interlocked.Increment(ref _failures);
        }
    }

    public void Dispose() => _socket?.Dispose();
}

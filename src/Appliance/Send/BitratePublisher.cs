using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.Platform;

namespace Ristbond.Appliance.Send;

/// <summary>
/// Gets the recommended bitrate to the encoder. A source ristbond drives (testsrc, the encoder of <c>-i pattern</c> or <c>-i v4l2://…</c>)
/// is set directly, at the next frame; an
/// external encoder is told by running a command (<c>--bitrate-command</c>: through /bin/sh, with the bitrate in
/// bits/s as its last argument and in RISTBOND_BITRATE_BPS) and/or by a datagram to a UDP port
/// (<c>--bitrate-udp</c>: one JSON line, <c>{"recommended_bitrate_bps":N}</c>, on each change and once a second).
/// A command runs at most once at a time and once a second; its failure is logged once.
/// </summary>
public sealed class BitratePublisher : IDisposable
{
    const long CommandIntervalNanos = MonotonicClock.NanosPerSecond;
    const long UdpRepeatNanos = MonotonicClock.NanosPerSecond;
    /// <summary>Changes smaller than this (relative) are not worth a command or a datagram.</summary>
    const double MinChange = 0.01;

    readonly TsSource _source;
    readonly string? _command;
    readonly IPEndPoint? _udpTarget;
    readonly Socket? _udp;
    readonly ILogger _log;
    double _lastCommanded;
    long _lastCommandAt = long.MinValue / 2;
    double _lastSent;
    long _lastSentAt = long.MinValue / 2;
    Process? _running;
    bool _commandFailureLogged;

    public BitratePublisher(TsSource source, string? command, string? udpTarget, ILogger log)
    {
        _source = source;
        _command = command;
        _log = log;
        if (udpTarget is not null)
        {
            if (!InputFactory.TryParseHostPort(udpTarget, out string host, out int port) || !IPAddress.TryParse(host.Length == 0 ? "127.0.0.1" : host, out IPAddress? address))
                throw new RistbondException($"--bitrate-udp '{udpTarget}': expected address:port (e.g. 127.0.0.1:5099)");
            _udpTarget = new IPEndPoint(address, port);
            _udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }
    }

    /// <summary>Called on every control tick with the current recommendation.</summary>
    public void Publish(double recommendedBps, long now)
    {
        if (_source is IBitrateFollower follower)
        {
            if (Math.Abs(follower.BitrateBps - recommendedBps) > MinChange * follower.BitrateBps)
                follower.FollowBitrate((long)recommendedBps);
            return;
        }
        if (_command is not null && Changed(recommendedBps, _lastCommanded) && now - _lastCommandAt >= CommandIntervalNanos && _running is not { HasExited: false })
        {
            RunCommand(recommendedBps);
            _lastCommanded = recommendedBps;
            _lastCommandAt = now;
        }
        if (_udp is not null && (Changed(recommendedBps, _lastSent) || now - _lastSentAt >= UdpRepeatNanos))
        {
            byte[] line = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"recommended_bitrate_bps\":{(long)recommendedBps}}}\n"));
            try
            {
                _udp.SendTo(line, _udpTarget!);
            }
            catch (SocketException)
            {
                // Nobody listening yet (ICMP unreachable): the next datagram will try again.
            }
            _lastSent = recommendedBps;
            _lastSentAt = now;
        }
    }

    static bool Changed(double now, double before) => before == 0 || Math.Abs(now - before) > MinChange * before;

    void RunCommand(double bps)
    {
        string bitrate = ((long)bps).ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_command + " \"$1\"");
        info.ArgumentList.Add("ristbond");
        info.ArgumentList.Add(bitrate);
        info.Environment["RISTBOND_BITRATE_BPS"] = bitrate;
        try
        {
            _running?.Dispose();
            Process? started = Process.Start(info);
            _running = started;
            if (started is not null)
            {
                started.EnableRaisingEvents = true;
                started.Exited += (_, _) => ReportExit(started);
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            LogFailureOnce($"--bitrate-command could not run: {e.Message}");
        }
    }

    void ReportExit(Process process)
    {
        if (process.ExitCode != 0)
            LogFailureOnce($"--bitrate-command exited {process.ExitCode}: {process.StandardError.ReadToEnd().Trim()}");
    }

    void LogFailureOnce(string message)
    {
        if (_commandFailureLogged)
            return;
        _commandFailureLogged = true;
        _log.LogWarning("{Message} (not repeated)", message);
    }

    public void Dispose()
    {
        _udp?.Dispose();
        _running?.Dispose();
    }
}

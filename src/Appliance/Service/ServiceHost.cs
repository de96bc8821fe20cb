using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Config;
using Ristbond.Appliance.Logging;
using Ristbond.Appliance.Send;
using Ristbond.Appliance.Status;
using Ristbond.Platform;

namespace Ristbond.Appliance.Service;

/// <summary>
/// <c>ristbond run --config FILE</c>, the life of the service: read the configuration (refuse it whole if anything
/// in it is wrong), run the same <see cref="SendSession"/> as <c>ristbond send</c>, tell systemd how it goes
/// (READY once a receiver answered, WATCHDOG from the control loop, STATUS each second, RELOADING/READY around a
/// SIGHUP, STOPPING), and reload the file on SIGHUP on a thread of its own.
/// </summary>
public static class ServiceHost
{
    public static int Run(string configPath)
    {
        ConfigFile config = ConfigFile.Load(configPath);
        if (!config.IsValid)
            throw new RistbondException(config.Summary());
        SendOptions options = config.Options!;

        using SystemdNotifier systemd = SystemdNotifier.FromEnvironment();
        using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(options.LogLevel);
        ILogger log = loggers.CreateLogger("ristbond");
        log.LogInformation("configuration {Path}: input {Input}, {Links}, bitrate {Min}-{Max}{Watchdog}", configPath, options.Input,
            options.DescribeLinks(),
            Units.FormatBitrate(options.MinBitrateBps), Units.FormatBitrate(options.MaxBitrateBps),
            systemd.WatchdogIntervalNanos > 0 ? $", systemd watchdog {systemd.WatchdogIntervalNanos / 1e9:0.#} s" : "");

        var reloader = new ConfigReloader(configPath, config, log)
        {
            Reloading = systemd.Reloading,
            Reloaded = () => systemd.Ready("configuration reloaded"),
        };
        // Registered before anything else: SIGHUP's default action would end the process.
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            reloader.Request();
        });

        using var streaming = new ManualResetEventSlim();
        using var stopReloads = new CancellationTokenSource();
        using var session = new SendSession(options, log)
        {
            Streaming = () =>
            {
                systemd.Ready("streaming: a receiver answered");
                streaming.Set();
            },
            Stopping = () =>
            {
                stopReloads.Cancel();
                systemd.Stopping();
            },
            Ticked = systemd.WatchdogTick,
            // Once stopping, the status says so; the last reports' rates would only mislead.
            Reported = report =>
            {
                if (!stopReloads.IsCancellationRequested)
                    systemd.Status(StatusLine(report));
            },
        };
        systemd.Status($"waiting for a receiver to answer ({options.DescribeLinks()})");

        // Reloads wait until the session streams (its links exist); a SIGHUP before that is kept and done then.
        var reloads = new Thread(() =>
        {
            if (WaitHandle.WaitAny([streaming.WaitHandle, stopReloads.Token.WaitHandle]) == 0)
                reloader.Run(session, stopReloads.Token);
        })
        { Name = "config-reload", IsBackground = true };
        reloads.Start();
        try
        {
            return session.Run();
        }
        finally
        {
            stopReloads.Cancel();
            reloads.Join(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>systemctl status's one line: "streaming 6.2 Mb/s over 3 links (3 live)".</summary>
    public static string StatusLine(StatsReport report) =>
        report.Totals.LinksLive == 0
            ? $"no link is live ({report.Totals.Links} link(s) waiting for the receiver)"
            : $"streaming {Units.FormatBitrate(report.Totals.InputBps)} over {report.Totals.LinksLive} of {report.Totals.Links} link(s), recommended {Units.FormatBitrate(report.RecommendedBitrateBps)}";
}

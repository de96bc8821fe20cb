using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Send;
using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Appliance.Config;

/// <summary>What a configuration reload can change while streaming.</summary>
public interface ILiveConfigTarget
{
    /// <summary>Adds a link from its URL; returns its name.</summary>
    string AddLink(string url);
    void RemoveLink(string name);
    /// <summary>The range of the recommended encoder bitrate.</summary>
    void SetBitrateLimits(long minBitsPerSecond, long maxBitsPerSecond);
}

/// <summary>
/// SIGHUP for <c>ristbond run</c>: the file is read again and what can change live does, without a gap in the
/// stream: bitrate limits, and static links added and removed (by URL; a link whose URL changed is removed and
/// added again). What needs a restart (receiver, secret, input, modems, outputs…) is said once. A file with errors
/// changes nothing: one line names it and its first error, and the running configuration stays.
/// The signal handler only calls <see cref="Request"/>; the work happens on the reload thread in <see cref="Run"/>.
/// </summary>
public sealed class ConfigReloader(string path, ConfigFile started, ILogger log)
{
    readonly SendOptions _started = started.Options!;
    readonly string? _startedReceiver = started.Receiver;
    readonly AutoResetEvent _wake = new(false);
    SendOptions _applied = started.Options!;
    int _requested;
    string _restartNoted = "";

    /// <summary>Around each reload, from the reload thread: systemd's RELOADING=1, then READY=1.</summary>
    public Action? Reloading { get; init; }
    public Action? Reloaded { get; init; }

    /// <summary>From a signal handler: asks for a reload and returns at once.</summary>
    public void Request()
    {
        Volatile.Write(ref _requested, 1);
        _wake.Set();
    }

    /// <summary>The reload thread: waits for requests until <paramref name="stop"/>.</summary>
    public void Run(ILiveConfigTarget target, CancellationToken stop)
    {
        while (WaitHandle.WaitAny([_wake, stop.WaitHandle]) == 0)
        {
            if (Interlocked.Exchange(ref _requested, 0) == 1)
                Reload(target);
        }
    }

    /// <summary>One reload: reads the file and applies what it can. Returns the file as read.</summary>
    public ConfigFile Reload(ILiveConfigTarget target)
    {
        Reloading?.Invoke();
        try
        {
            ConfigFile file = ConfigFile.Load(path);
            if (!file.IsValid)
            {
                log.LogError("configuration reload: {Problem}; keeping the running configuration", file.Summary());
                return file;
            }
            Apply(file, target);
            return file;
        }
        finally
        {
            Reloaded?.Invoke();
        }
    }

    void Apply(ConfigFile file, ILiveConfigTarget target)
    {
        SendOptions next = file.Options!;
        var applied = new List<string>();
        if (next.MinBitrateBps != _applied.MinBitrateBps || next.MaxBitrateBps != _applied.MaxBitrateBps)
        {
            target.SetBitrateLimits(next.MinBitrateBps, next.MaxBitrateBps);
            applied.Add($"bitrate {Units.FormatBitrate(next.MinBitrateBps)}-{Units.FormatBitrate(next.MaxBitrateBps)}");
        }
        List<string> restart = NeedsRestart(next, file.Receiver);
        IReadOnlyList<string> links = _applied.Outputs;
        // Static links change live beside the modems' links too; the modems' own entry needs a restart.
        if (!restart.Contains("modems") && !restart.Contains("receiver"))
            links = ApplyLinks(next.Outputs, target, applied);
        _applied = next with { Outputs = links };

        string restartNote = string.Join(", ", restart);
        if (restartNote.Length > 0 && restartNote != _restartNoted)
            log.LogWarning("configuration reload: {Changed} changed: needs a restart (systemctl restart ristbond)", restartNote);
        _restartNoted = restartNote;
        log.LogInformation(applied.Count > 0 ? "configuration reloaded from {Path}: {Applied}" : "configuration reloaded from {Path}: nothing to change live",
            path, string.Join(", ", applied));
    }

    /// <summary>Removes the links whose URL is gone, then adds the new ones; returns the URLs now running.</summary>
    List<string> ApplyLinks(IReadOnlyList<string> wanted, ILiveConfigTarget target, List<string> applied)
    {
        var running = _applied.Outputs.ToList();
        foreach (string url in running.Except(wanted, StringComparer.Ordinal).ToList())
        {
            string name = RistUrl.Parse(url, "configuration")[RistUrl.NameParameter]!;
            try
            {
                target.RemoveLink(name); // logged by the sender, with the reason
            }
            catch (RistbondException e)
            {
                log.LogWarning("link {Link}: not removed on configuration reload: {Why}", name, e.Message);
            }
            running.Remove(url);
            applied.Add($"-{name}");
        }
        foreach (string url in wanted.Except(running, StringComparer.Ordinal).ToList())
        {
            try
            {
                string name = target.AddLink(url); // logged by the sender, with the reason
                running.Add(url);
                applied.Add($"+{name}");
            }
            catch (RistbondException e)
            {
                log.LogWarning("configuration reload: link not added: {Why}", e.Message);
            }
        }
        return running;
    }

    /// <summary>The keys that differ from the configuration the service started with and cannot change live.</summary>
    List<string> NeedsRestart(SendOptions next, string? receiver)
    {
        var changed = new List<string>();
        void Check(bool differs, string key)
        {
            if (differs)
                changed.Add(key);
        }
        Check(receiver != _startedReceiver, "receiver");
        Check(next.Input != _started.Input || next.Loop != _started.Loop, "input");
        Check(next.Modems != _started.Modems || next.AutoConnect != _started.AutoConnect, "modems");
        Check(next.TestBitrateBps != _started.TestBitrateBps, "bitrate.start");
        Check(next.StaticWeights != _started.StaticWeights, "bitrate.static_weights");
        Check(next.BitrateCommand != _started.BitrateCommand || next.BitrateUdp != _started.BitrateUdp, "bitrate.command/udp");
        Check(next.StatusListen != _started.StatusListen || next.StatusTokenFile != _started.StatusTokenFile, "status");
        Check(next.BoardProfile != _started.BoardProfile, "board_profile");
        Check(next.StatsJson != _started.StatsJson || next.ControlTrace != _started.ControlTrace || next.ControlSocket != _started.ControlSocket,
            "stats_json/control_trace/control_socket");
        Check(next.FlowId != _started.FlowId, "flow_id");
        Check(next.LogLevel != _started.LogLevel, "log_level");
        Check(next.ConnectTimeout != _started.ConnectTimeout, "connect_timeout");
        Check(next.Pacer != _started.Pacer, "latency_budget_ms");
        Check(next.Video.IntraRefresh != _started.Video.IntraRefresh, "intra_refresh");
        return changed;
    }
}

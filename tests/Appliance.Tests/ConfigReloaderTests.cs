using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Config;
using Ristbond.Appliance.Logging;

namespace Ristbond.Appliance.Tests;

/// <summary>
/// What a SIGHUP changes. The target here is a recorder of our own, because these tests are about the decisions
/// (what is applied live, what is said to need a restart, what a bad file leaves alone); the real session under a
/// real SIGHUP, with a real receiver, is EndToEnd.Tests' ServiceTests.
/// </summary>
public sealed class ConfigReloaderTests : IDisposable
{
    readonly ConfigFiles _files = new();
    readonly StringWriter _log = new();
    readonly Recorder _target = new();

    public void Dispose() => _files.Dispose();

    sealed class Recorder : ILiveConfigTarget
    {
        public List<string> Calls { get; } = [];

        public string AddLink(string url)
        {
            Calls.Add("add " + url);
            return Ristbond.Rist.RistUrl.Parse(url)["name"]!;
        }

        public void RemoveLink(string name) => Calls.Add("remove " + name);

        public void SetBitrateLimits(long minBitsPerSecond, long maxBitsPerSecond) => Calls.Add($"bitrate {minBitsPerSecond}-{maxBitsPerSecond}");
    }

    static string Config(string links, string bitrate = """{ "min": "1M", "max": "8M" }""", string input = "testsrc", string receiver = "rist://studio.example:6000") => $$"""
        {
          "receiver": { "url": "{{receiver}}" },
          "input": "{{input}}",
          "links": [ {{links}} ],
          "bitrate": {{bitrate}}
        }
        """;

    ConfigReloader Start(string json)
    {
        ConfigFile started = ConfigFile.Load(_files.WriteConfig(json));
        Assert.True(started.IsValid, string.Join('\n', started.ProblemLines));
        ILogger log = LineLoggerProvider.CreateFactory(LogLevel.Information, _log, journal: false).CreateLogger("ristbond");
        return new ConfigReloader(_files.ConfigPath, started, log);
    }

    string[] LogLines => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Bitrate_limits_and_links_change_live()
    {
        ConfigReloader reloader = Start(Config("""{ "interface": "eth0" }, { "interface": "eth1" }"""));
        _files.WriteConfig(Config("""{ "interface": "eth1" }, { "interface": "wwan0" }""", """{ "min": "2M", "max": "6M" }"""));
        reloader.Reload(_target);
        Assert.Equal(
        [
            "bitrate 2000000-6000000",
            "remove eth0",
            "add rist://studio.example:6000?name=wwan0&miface=wwan0",
        ], _target.Calls);
        Assert.Contains(LogLines, l => l.EndsWith("configuration reloaded from " + _files.ConfigPath + ": bitrate 2 Mbps-6 Mbps, -eth0, +wwan0", StringComparison.Ordinal));
        Assert.DoesNotContain(LogLines, l => l.Contains("restart", StringComparison.Ordinal));

        // Reloading the same file again changes nothing.
        _target.Calls.Clear();
        reloader.Reload(_target);
        Assert.Empty(_target.Calls);
    }

    [Fact]
    public void Static_links_beside_modems_change_live_and_the_modems_entry_needs_a_restart()
    {
        ConfigReloader reloader = Start(Config("""{ "modems": true }, { "interface": "eth0" }"""));
        _files.WriteConfig(Config("""{ "modems": true }, { "interface": "wlan0" }"""));
        reloader.Reload(_target);
        Assert.Equal(["remove eth0", "add rist://studio.example:6000?name=wlan0&miface=wlan0"], _target.Calls);
        Assert.DoesNotContain(LogLines, l => l.Contains("restart", StringComparison.Ordinal));

        // Dropping the modems entry is not done live: said once, and the static links wait with it.
        _target.Calls.Clear();
        _files.WriteConfig(Config("""{ "interface": "wlan0" }, { "interface": "eth1" }"""));
        reloader.Reload(_target);
        Assert.Empty(_target.Calls);
        Assert.Single(LogLines, l => l.Contains("modems changed: needs a restart", StringComparison.Ordinal));
    }

    [Fact]
    public void A_link_whose_url_changed_is_replaced()
    {
        ConfigReloader reloader = Start(Config("""{ "name": "lte", "interface": "wwan0" }"""));
        _files.WriteConfig(Config("""{ "name": "lte", "interface": "wwan0", "weight": 3 }"""));
        reloader.Reload(_target);
        Assert.Equal(["remove lte", "add rist://studio.example:6000?name=lte&miface=wwan0&weight=3"], _target.Calls);
    }

    [Fact]
    public void A_bad_file_changes_nothing_and_is_named_in_one_line()
    {
        ConfigReloader reloader = Start(Config("""{ "interface": "eth0" }"""));
        _files.WriteConfig(Config("""{ "interface": "eth0" }, { "url": "udp://10.0.0.1:5000" }""", """{ "min": "2M", "max": "fast" }"""));
        ConfigFile read = reloader.Reload(_target);
        Assert.False(read.IsValid);
        Assert.Empty(_target.Calls);
        string line = Assert.Single(LogLines);
        Assert.Contains($"ERROR configuration reload: {_files.ConfigPath}:4: $.links[1].url 'udp://10.0.0.1:5000': only rist:// URLs can be bonded", line, StringComparison.Ordinal);
        Assert.EndsWith($"(and 1 more: ristbond config check {_files.ConfigPath}); keeping the running configuration", line, StringComparison.Ordinal);

        // The running configuration is still the reference: a good file later is applied against it.
        _files.WriteConfig(Config("""{ "interface": "eth0" }, { "interface": "eth1" }"""));
        reloader.Reload(_target);
        Assert.Equal(["add rist://studio.example:6000?name=eth1&miface=eth1"], _target.Calls);
    }

    [Fact]
    public void What_needs_a_restart_is_said_once_and_not_applied()
    {
        ConfigReloader reloader = Start(Config("""{ "interface": "eth0" }"""));
        _files.WriteConfig(Config("""{ "interface": "eth0" }, { "interface": "eth1" }""", input: "udp://@:5000", receiver: "rist://elsewhere.example:6000"));
        reloader.Reload(_target);
        reloader.Reload(_target);
        // A new receiver changes every link: nothing about links is applied until the restart.
        Assert.Empty(_target.Calls);
        string warning = Assert.Single(LogLines, l => l.Contains("restart", StringComparison.Ordinal));
        Assert.Contains("WARN  configuration reload: receiver, input changed: needs a restart (systemctl restart ristbond)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Reloading_and_reloaded_frame_each_reload_even_a_bad_one()
    {
        ConfigFile started = ConfigFile.Load(_files.WriteConfig(Config("""{ "interface": "eth0" }""")));
        var events = new List<string>();
        var reloader = new ConfigReloader(_files.ConfigPath, started, LineLoggerProvider.CreateFactory(LogLevel.Information, _log, false).CreateLogger("x"))
        {
            Reloading = () => events.Add("RELOADING=1"),
            Reloaded = () => events.Add("READY=1"),
        };
        _files.WriteConfig("{");
        reloader.Reload(_target);
        Assert.Equal(["RELOADING=1", "READY=1"], events);
    }

    [Fact]
    public void A_request_from_a_signal_handler_is_done_on_the_reload_thread()
    {
        ConfigReloader reloader = Start(Config("""{ "interface": "eth0" }"""));
        using var stop = new CancellationTokenSource();
        var thread = new Thread(() => reloader.Run(_target, stop.Token));
        thread.Start();
        _files.WriteConfig(Config("""{ "interface": "eth0" }""", """{ "min": "1M", "max": "5M" }"""));
        reloader.Request();
        // Bounded wait for another thread's work, not a timing assertion.
        SpinWait.SpinUntil(() => _target.Calls.Count > 0, TimeSpan.FromSeconds(10));
        stop.Cancel();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(["bitrate 1000000-5000000"], _target.Calls);
    }
}

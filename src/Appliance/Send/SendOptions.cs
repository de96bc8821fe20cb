using Microsoft.Extensions.Logging;

namespace Ristbond.Appliance.Send;

/// <summary>Everything <c>ristbond send</c> was asked to do, checked for form by the command line.</summary>
public sealed record SendOptions
{
    public required string Input { get; init; }
    /// <summary>The static links' rist:// URLs (each may be a comma-separated list); with <see cref="ModemTemplate"/> they run beside the modems' links.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }
    public bool Loop { get; init; }
    /// <summary>Bit rate of the built-in test source at start; it then follows the recommendation.</summary>
    public long TestBitrateBps { get; init; } = 4_000_000;
    /// <summary>Size, frame rate and encoder of video ristbond encodes itself (<c>-i pattern</c>, <c>-i v4l2:///dev/videoN</c>).</summary>
    public Ingest.VideoInputOptions Video { get; init; } = new();
    /// <summary>The range the recommended encoder bitrate stays in.</summary>
    public long MinBitrateBps { get; init; } = 500_000;
    public long MaxBitrateBps { get; init; } = 20_000_000;
    /// <summary>The stream pacer's latency budget and peak factor (<c>--latency-budget</c>); the video encoder's VBV is sized to the budget.</summary>
    public Ingest.Pacing.PacerOptions Pacer { get; init; } = new();
    /// <summary>No adaptation: librist's weighted round robin with the URLs' weights, dead links still taken out.</summary>
    public bool StaticWeights { get; init; }
    /// <summary>Run this (through /bin/sh, bitrate appended) when the recommendation changes: for an external encoder.</summary>
    public string? BitrateCommand { get; init; }
    /// <summary>Send the recommendation as a JSON datagram to this address:port.</summary>
    public string? BitrateUdp { get; init; }
    public string? StatsJson { get; init; }
    /// <summary>Write the control loop's reasoning, one CSV row per link per tick, to this file.</summary>
    public string? ControlTrace { get; init; }
    public string? ControlSocket { get; init; }
    public bool Table { get; init; }
    /// <summary>ADDR:PORT of the status API and web page (e.g. 127.0.0.1:8080); null: no status server.</summary>
    public string? StatusListen { get; init; }
    /// <summary>File holding the token clients on other machines must show; required for a non-loopback <see cref="StatusListen"/>.</summary>
    public string? StatusTokenFile { get; init; }
    /// <summary>How long to wait at start for any link's receiver to answer; zero waits forever. Null: 10 s, or forever with modems (they may take a minute to connect at boot).</summary>
    public TimeSpan? ConnectTimeout { get; init; }
    /// <summary>
    /// The receiver URL every modem's link is made from (name= and miface= set per modem); null: no modem links. Links
    /// come and go with ModemManager's modems, beside the static <see cref="Outputs"/>.
    /// </summary>
    public string? ModemTemplate { get; init; }
    /// <summary>Links come from ModemManager's modems (as well as from <see cref="Outputs"/>).</summary>
    public bool Modems => ModemTemplate is not null;

    /// <summary>Where the links come from, for a log or status line: "2 link(s)", "links from the modems and 1 static link(s)".</summary>
    public string DescribeLinks() =>
        !Modems ? $"{Outputs.Count} link(s)"
        : Outputs.Count == 0 ? "links from the modems"
        : $"links from the modems and {Outputs.Count} static link(s)";
    /// <summary>Connect modems that are not connected with this APN (and PIN, user, password); null leaves connecting to others.</summary>
    public Modems.AutoConnectOptions? AutoConnect { get; init; }
    /// <summary>A board profile (src/Board/README.md): LEDs and modem power lines follow the links; null: no board indicators.</summary>
    public string? BoardProfile { get; init; }
    /// <summary>Stop after this long (benchmarks, tests); null runs until stopped.</summary>
    public TimeSpan? Duration { get; init; }
    public uint FlowId { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}

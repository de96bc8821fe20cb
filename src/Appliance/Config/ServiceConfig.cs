using System.Text.Json.Serialization;

namespace Ristbond.Appliance.Config;

// The schema of /etc/ristbond/ristbond.json, documented in docs/config.md. Keys are snake_case. Every property is
// optional to the deserializer: what is required, and every value's form, is checked by ConfigRules, so that one
// run reports every mistake with its JSON path and line instead of stopping at the first.

/// <summary>The whole configuration file of <c>ristbond run</c>.</summary>
public sealed record ServiceConfig
{
    /// <summary>The studio's RIST receiver, and the secret every link uses.</summary>
    public ReceiverConfig? Receiver { get; init; }
    /// <summary>What is sent: <c>udp://[@][address]:port</c>, <c>rtp://…</c>, a .ts file, or <c>testsrc</c>.</summary>
    public string? Input { get; init; }
    /// <summary>Send a .ts file input again and again.</summary>
    public bool? Loop { get; init; }
    /// <summary>Static links, or one <c>{"modems": true, …}</c> entry for one link per ModemManager modem.</summary>
    public IReadOnlyList<LinkConfig?>? Links { get; init; }
    public BitrateConfig? Bitrate { get; init; }
    /// <summary>The board profile (JSON) mapping LEDs and GPIO lines to roles.</summary>
    public string? BoardProfile { get; init; }
    /// <summary>The HTTP status API and web page.</summary>
    public StatusConfig? Status { get; init; }
    /// <summary>One JSON stats object per line, once a second, to this file (as <c>--stats-json</c>).</summary>
    public string? StatsJson { get; init; }
    /// <summary>The control loop's reasoning as CSV, one row per link per tick (as <c>--control-trace</c>).</summary>
    public string? ControlTrace { get; init; }
    /// <summary>A Unix socket taking link commands (as <c>--control</c>).</summary>
    public string? ControlSocket { get; init; }
    /// <summary>Give up at start if no receiver answers within this ("10s"; "0" waits forever, the default).</summary>
    public string? ConnectTimeout { get; init; }
    /// <summary>The RIST flow id (even); absent or 0: random.</summary>
    public uint? FlowId { get; init; }
    /// <summary>Milliseconds a datagram may wait in the stream pacer; the encoder's VBV is sized to it (as <c>--latency-budget</c>).</summary>
    public int? LatencyBudgetMs { get; init; }
    /// <summary>Periodic intra refresh instead of IDR keyframes where the encoder offers it (as <c>--intra-refresh</c>; default true).</summary>
    public bool? IntraRefresh { get; init; }
    /// <summary><c>debug</c>, <c>info</c> (default) or <c>warning</c>.</summary>
    public string? LogLevel { get; init; }
}

public sealed record ReceiverConfig
{
    /// <summary><c>rist://host:port[?params]</c>: the receiver; its librist parameters apply to every link made from it.</summary>
    public string? Url { get; init; }
    /// <summary>A file (mode 0600) holding the AES pre-shared passphrase; never in the configuration itself.</summary>
    public string? SecretFile { get; init; }
    /// <summary>128, 192 or 256 (default 256 when a secret is given).</summary>
    public int? AesType { get; init; }
}

/// <summary>One static link, or (with <see cref="Modems"/>) the links of all modems.</summary>
public sealed record LinkConfig
{
    /// <summary>The link's name in logs, stats and the control socket; default: its interface, else linkN.</summary>
    public string? Name { get; init; }
    /// <summary>The link's own <c>rist://</c> URL; default: the receiver's.</summary>
    public string? Url { get; init; }
    /// <summary>The network interface this link leaves by (librist's <c>miface=</c>).</summary>
    public string? Interface { get; init; }
    /// <summary>A preference among links (librist's <c>weight=</c>; 0: a copy of every packet).</summary>
    public uint? Weight { get; init; }

    /// <summary>True: one link per ModemManager modem with a connected bearer, made from the receiver's URL.</summary>
    public bool? Modems { get; init; }
    /// <summary>Connect modems that are not connected, with this APN.</summary>
    public string? Apn { get; init; }
    public string? ApnUser { get; init; }
    /// <summary>A file (mode 0600) holding the APN password.</summary>
    public string? ApnPasswordFile { get; init; }
    /// <summary>A file (mode 0600) holding the SIM PIN.</summary>
    public string? SimPinFile { get; init; }
    /// <summary>A modem failed or searching this long is re-enabled ("2m").</summary>
    public string? ReenableAfter { get; init; }
}

public sealed record BitrateConfig
{
    /// <summary>Bit rate of testsrc at start ("4M").</summary>
    public string? Start { get; init; }
    /// <summary>The range of the recommended encoder bitrate ("500k", "20M"). Applied live on reload.</summary>
    public string? Min { get; init; }
    public string? Max { get; init; }
    /// <summary>No adaptation: the links' weights as librist weights, a fixed bitrate.</summary>
    public bool? StaticWeights { get; init; }
    /// <summary>For an external encoder: run this through /bin/sh with the bitrate appended.</summary>
    public string? Command { get; init; }
    /// <summary>For an external encoder: send the recommendation as a JSON datagram to ADDRESS:PORT.</summary>
    public string? Udp { get; init; }
}

public sealed record StatusConfig
{
    /// <summary>ADDRESS:PORT of the status API and web page.</summary>
    public string? Listen { get; init; }
    /// <summary>A file (mode 0600) holding the token a client outside localhost must present.</summary>
    public string? TokenFile { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServiceConfig))]
internal sealed partial class ServiceConfigJsonContext : JsonSerializerContext;

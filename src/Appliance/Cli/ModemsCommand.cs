using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Logging;
using Ristbond.Modems;
using Ristbond.Platform;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// <c>ristbond modems [--json]</c>: what ModemManager reports, one entry per modem. The first thing a field engineer
/// runs. Reads only (it does not set up Modem.Signal: readings show when ModemManager already polls them, as it does
/// while <c>ristbond send</c> runs). Without ModemManager: one line, exit code 3.
/// </summary>
public static class ModemsCommand
{
    static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object (snake_case fields) instead of text" };
        var command = new Command("modems", "Show the modems ModemManager reports: identity, state, technology, operator, signal, bearer") { json };
        command.SetAction(result =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Warning);
            ModemInventory inventory = ModemManagerQuery.ReadOnce(null, s_callTimeout, loggers.CreateLogger("ristbond"));
            long now = MonotonicClock.NowNanos;
            if (result.GetValue(json))
                output.WriteLine(JsonSerializer.Serialize(ToReport(inventory, now), ModemsJsonContext.Default.ModemsReport));
            else
                output.Write(ToText(inventory, now));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <param name="reversePath">The reverse-path filter of a bearer's interface (<see cref="ReversePathFilter.Check"/>; a fake in tests).</param>
    internal static ModemsReport ToReport(ModemInventory inventory, long nowNanos, Func<string, ReversePathCheck>? reversePath = null) => new()
    {
        Modems = inventory.Modems.Select(modem =>
        {
            SignalAssessment signal = SignalHealth.Assess(modem, nowNanos, SignalHealth.DefaultStaleAfter(modem.SignalRateSeconds));
            return new ModemReport
            {
                Path = modem.Path,
                Manufacturer = modem.Identity.Manufacturer,
                Model = modem.Identity.Model,
                ImeiLast4 = modem.Identity.ImeiLast4,
                State = ModemManagerText.Of(modem.State),
                FailedReason = modem.State == ModemState.Failed ? ModemManagerText.Of(modem.FailedReason) : null,
                AccessTechnology = ModemManagerText.Of(modem.AccessTechnologies),
                Operator = modem.OperatorName,
                Registration = modem.Registration is RegistrationState r ? ModemManagerText.Of(r) : null,
                SignalQualityPercent = modem.SignalQualityPercent,
                Signal = new SignalReport
                {
                    RateS = modem.SignalRateSeconds,
                    Lte = ToReport(modem.Lte),
                    Nr5g = ToReport(modem.Nr5g),
                    HealthFactor = Math.Round(signal.Factor, 3),
                    CapacityPriorBps = signal.CapacityPriorBps is double bps ? (long)bps : null,
                },
                Bearers = modem.Bearers.Select(b =>
                {
                    ReversePathCheck? check = b.Interface is string name ? (reversePath ?? Check)(name) : null;
                    return new BearerReport
                    {
                        Path = b.Path,
                        Interface = b.Interface,
                        Connected = b.Connected,
                        Ip4 = b.Ip4Address is null ? null : $"{b.Ip4Address}/{b.Ip4Prefix}",
                        RpFilter = check is ReversePathCheck c ? ReversePathFilter.Name(c.Mode) : null,
                        Warning = check?.Warning,
                    };
                }).ToList(),
            };
        }).ToList(),
    };

    static SignalValuesReport? ToReport(SignalReading? reading) =>
        reading is SignalReading r ? new SignalValuesReport { Rsrp = r.Rsrp, Rsrq = r.Rsrq, Snr = r.Snr, Rssi = r.Rssi } : null;

    static ReversePathCheck Check(string interfaceName) => ReversePathFilter.Check(interfaceName);

    internal static string ToText(ModemInventory inventory, long nowNanos, Func<string, ReversePathCheck>? reversePath = null)
    {
        var text = new StringBuilder();
        if (inventory.Modems.Count == 0)
            return "ModemManager reports no modems\n";
        foreach (ModemSnapshot modem in inventory.Modems)
        {
            Line(text, $"{modem.Path}  {modem.Identity}");
            string failed = modem.State == ModemState.Failed ? $" ({ModemManagerText.Of(modem.FailedReason)})" : "";
            string registration = modem.Registration is RegistrationState r ? $" ({ModemManagerText.Of(r)})" : "";
            Line(text, $"  state {ModemManagerText.Of(modem.State)}{failed}, access {ModemManagerText.Of(modem.AccessTechnologies)}, " +
                       $"operator {modem.OperatorName ?? "-"}{registration}, quality {modem.SignalQualityPercent}%");
            if (modem.Lte is null && modem.Nr5g is null)
            {
                Line(text, modem.SignalRateSeconds == 0
                    ? "  signal: not polled (Modem.Signal rate 0; `ristbond send` sets it up)"
                    : "  signal: no reading");
            }
            else
            {
                SignalAssessment health = SignalHealth.Assess(modem, nowNanos, SignalHealth.DefaultStaleAfter(modem.SignalRateSeconds));
                if (modem.Lte is SignalReading lte)
                    Line(text, $"  signal lte:  {Values(lte)}");
                if (modem.Nr5g is SignalReading nr)
                    Line(text, $"  signal 5gnr: {Values(nr)}");
                string prior = health.CapacityPriorBps is double bps ? $", uplink prior {Units.FormatBitrate(bps)}" : "";
                Line(text, $"  health {health.Factor:0.00} ({health.Source}){prior}");
            }
            if (modem.Bearers.Count == 0)
                Line(text, "  no bearer");
            foreach (BearerSnapshot bearer in modem.Bearers)
            {
                string address = bearer.Ip4Address is null ? "" : $" {bearer.Ip4Address}/{bearer.Ip4Prefix}";
                Line(text, $"  bearer {bearer.Path}: {bearer.Interface ?? "-"} {(bearer.Connected ? "connected" : "disconnected")}{address}");
                if (bearer.Interface is string name && (reversePath ?? Check)(name).Warning is string warning)
                    Line(text, $"  warning: {warning}");
            }
        }
        return text.ToString();
    }

    static string Values(SignalReading reading)
    {
        var parts = new List<string>(4);
        if (reading.Rsrp is double rsrp) parts.Add($"rsrp {rsrp:0.#} dBm");
        if (reading.Rsrq is double rsrq) parts.Add($"rsrq {rsrq:0.#} dB");
        if (reading.Snr is double snr) parts.Add($"snr {snr:0.#} dB");
        if (reading.Rssi is double rssi) parts.Add($"rssi {rssi:0.#} dBm");
        return string.Join(", ", parts);
    }

    static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}

/// <summary><c>ristbond modems --json</c>: field names are stable (other programs read them).</summary>
public sealed record ModemsReport
{
    public required IReadOnlyList<ModemReport> Modems { get; init; }
}

public sealed record ModemReport
{
    public required string Path { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    /// <summary>The last 4 digits of the IMEI: never more.</summary>
    public string? ImeiLast4 { get; init; }
    /// <summary>failed, unknown, initializing, locked, disabled, disabling, enabling, enabled, searching, registered, disconnecting, connecting, connected.</summary>
    public required string State { get; init; }
    public string? FailedReason { get; init; }
    /// <summary>"lte", "5gnr", "lte, 5gnr", …</summary>
    public required string AccessTechnology { get; init; }
    public string? Operator { get; init; }
    public string? Registration { get; init; }
    public uint SignalQualityPercent { get; init; }
    public required SignalReport Signal { get; init; }
    public required IReadOnlyList<BearerReport> Bearers { get; init; }
}

public sealed record SignalReport
{
    /// <summary>Modem.Signal's refresh rate, seconds (0: not polled).</summary>
    public uint RateS { get; init; }
    public SignalValuesReport? Lte { get; init; }
    public SignalValuesReport? Nr5g { get; init; }
    /// <summary>0..1 from the readings (1 when unknown); see src/Modems/README.md.</summary>
    public double HealthFactor { get; init; }
    public long? CapacityPriorBps { get; init; }
}

/// <summary>dBm (rsrp, rssi) and dB (rsrq, snr); absent values are null.</summary>
public sealed record SignalValuesReport
{
    public double? Rsrp { get; init; }
    public double? Rsrq { get; init; }
    public double? Snr { get; init; }
    public double? Rssi { get; init; }
}

public sealed record BearerReport
{
    public required string Path { get; init; }
    public string? Interface { get; init; }
    public bool Connected { get; init; }
    /// <summary>"10.64.10.2/30" when connected.</summary>
    public string? Ip4 { get; init; }
    /// <summary>The interface's reverse-path filter: off, strict, loose, unknown (no such interface here); null without an interface.</summary>
    public string? RpFilter { get; init; }
    /// <summary>One line naming the interface and the fix when its reverse-path filter drops the receiver's answers.</summary>
    public string? Warning { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModemsReport))]
public sealed partial class ModemsJsonContext : JsonSerializerContext;

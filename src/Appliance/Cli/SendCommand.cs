using System.CommandLine;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Logging;
using Ristbond.Appliance.Send;

namespace Ristbond.Appliance.Cli;

/// <summary><c>ristbond send</c>: ristsender's options where they mean the same thing, so its users feel at home.</summary>
public static class SendCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input", "-i")
        {
            Description = "udp://[@][address]:port (TS or RTP/TS from an encoder), a .ts file, or testsrc",
            Required = true,
        };
        var output = new Option<string[]>("--output", "-o")
        {
            Description = "rist://host:port[?params] per link, repeated or comma-separated; librist parameters pass through, name= names the link",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var loop = new Option<bool>("--loop") { Description = "Send a .ts file again and again" };
        var bitrate = new Option<long>("--bitrate")
        {
            Description = "Bit rate of testsrc (k/M suffixes)",
            CustomParser = RistbondCli.ParseBitrate,
            DefaultValueFactory = _ => 4_000_000,
        };
        var statsJson = new Option<string?>("--stats-json") { Description = "Write one JSON stats line per second to PATH, or - for stdout" };
        var control = new Option<string?>("--control") { Description = "Unix socket taking link commands: add URL | remove NAME | bitrate RATE | stats" };
        var table = new Option<bool>("--table") { Description = "Show a live per-link table on the terminal" };
        var connectTimeout = new Option<TimeSpan>("--connect-timeout")
        {
            Description = "Give up if no receiver answers on any link within this time at start (0 waits forever)",
            CustomParser = RistbondCli.ParseSeconds,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Stop after this long",
            CustomParser = r => RistbondCli.ParseSeconds(r),
        };
        var flowId = new Option<uint>("--flow-id") { Description = "RIST flow id (even number; default: random)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log more, librist's own messages too" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Log warnings and errors only" };

        var command = new Command("send", "Send one TS input as one RIST flow over several links")
        {
            input, output, loop, bitrate, statsJson, control, table, connectTimeout, duration, flowId, verbose, quiet,
        };
        command.SetAction(result =>
        {
            var options = new SendOptions
            {
                Input = result.GetValue(input)!,
                Outputs = result.GetValue(output) ?? [],
                Loop = result.GetValue(loop),
                TestBitrateBps = result.GetValue(bitrate),
                StatsJson = result.GetValue(statsJson),
                ControlSocket = result.GetValue(control),
                Table = result.GetValue(table),
                ConnectTimeout = result.GetValue(connectTimeout),
                Duration = result.GetValue(duration),
                FlowId = result.GetValue(flowId),
                LogLevel = result.GetValue(verbose) ? LogLevel.Debug : result.GetValue(quiet) ? LogLevel.Warning : LogLevel.Information,
            };
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(options.LogLevel);
            using var session = new SendSession(options, loggers.CreateLogger("ristbond"));
            return session.Run();
        });
        return command;
    }
}

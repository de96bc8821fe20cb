using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Check;
using Ristbond.Appliance.Logging;
using Ristbond.Platform;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// <c>ristbond check-ts FILE|udp://…</c>: checks what a receiver delivered of <c>send -i testsrc</c> packet by packet
/// (pattern, order, gaps, continuity, latency), or with <c>--video</c> a video TS stream by stream, and prints one
/// JSON object. It judges nothing: the caller states its own
/// bounds. Exit code 0 when a report was printed; 2 for a bad input; 3 when no TS arrived.
/// </summary>
public static class CheckTsCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A recorded .ts file, or udp://[@][address]:port (rtp:// too) to listen on" };
        var wait = new Option<TimeSpan>("--wait")
        {
            Description = "Live input: give up when nothing arrives within this time",
            CustomParser = RistbondCli.ParseSeconds,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        };
        var idle = new Option<TimeSpan>("--idle")
        {
            Description = "Live input: the stream has ended when it has been quiet this long",
            CustomParser = RistbondCli.ParseSeconds,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Live input: stop after this long even if the stream goes on",
            CustomParser = r => RistbondCli.ParseSeconds(r),
        };
        var video = new Option<bool>("--video")
        {
            Description = "Check a video TS (send -i pattern or v4l2://) instead: per PID its stream type, PES packets, bytes, keyframes, CC errors and frames missing from the PTS",
        };
        var command = new Command("check-ts", "Check a received copy of the test stream (send -i testsrc): packets, gaps, order, CC and pattern errors, as JSON")
        {
            input, wait, idle, duration, video,
        };
        command.SetAction((result, cancellation) =>
        {
            string name = result.GetValue(input)!;
            if (result.GetValue(video))
            {
                using ILoggerFactory videoLoggers = LineLoggerProvider.CreateFactory(LogLevel.Warning);
                VideoCheckReport videoReport = TsCheck.IsLive(name)
                    ? TsCheck.CheckVideoLive(name, result.GetValue(wait), result.GetValue(idle), result.GetValue(duration), videoLoggers.CreateLogger("ristbond"), cancellation)
                    : TsCheck.CheckVideoFile(name);
                result.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(videoReport, TsCheckJsonContext.Default.VideoCheckReport));
                return Task.FromResult(ExitCodes.Ok);
            }
            TsCheckReport report;
            if (TsCheck.IsLive(name))
            {
                using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Warning);
                report = TsCheck.CheckLive(name, result.GetValue(wait), result.GetValue(idle), result.GetValue(duration),
                    loggers.CreateLogger("ristbond"), cancellation);
            }
            else
            {
                report = TsCheck.CheckFile(name);
            }
            result.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, TsCheckJsonContext.Default.TsCheckReport));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}

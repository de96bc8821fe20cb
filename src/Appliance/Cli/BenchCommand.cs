using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Logging;
using Ristbond.Bench;
using Ristbond.Bench.Adapt;
using Ristbond.Bench.Adapt.Links;
using Ristbond.Bench.Adapt.Traces;
using Ristbond.Platform;

namespace Ristbond.Appliance.Cli;

/// <summary><c>ristbond bench …</c>: the figures in the README, measured on this machine.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure ristbond on this machine (figures for the README)");
        bench.Subcommands.Add(CreatePath());
        bench.Subcommands.Add(CreateProcess());
        bench.Subcommands.Add(CreateAdapt());
        bench.Subcommands.Add(CreateVideo());
        bench.Subcommands.Add(CreateTrace());
        return bench;
    }

    static Command CreatePath()
    {
        var links = new Option<int>("--links") { Description = "Links in the sender", DefaultValueFactory = _ => 3 };
        var datagrams = new Option<int>("--datagrams") { Description = $"Datagrams to send (at most {PacketPathBench.MaxDatagrams})", DefaultValueFactory = _ => PacketPathBench.DefaultDatagrams };
        datagrams.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1000 or > PacketPathBench.MaxDatagrams) r.AddError($"--datagrams must be 1000..{PacketPathBench.MaxDatagrams}"); });
        var command = new Command("path", "Packet path: datagrams/s through the framer into librist on one thread, CPU and bytes allocated per datagram") { links, datagrams };
        command.SetAction(result =>
        {
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Warning);
            var r = PacketPathBench.Run(loggers.CreateLogger("bench"), result.GetValue(links), result.GetValue(datagrams));
            Console.WriteLine(Invariant($"packet path, {r.Links} links, {r.Datagrams} datagrams of 7x188 bytes"));
            Console.WriteLine(Invariant($"  datagrams/s (one thread, wall clock)  {r.DatagramsPerSecond,12:N0}   ({r.TsPacketsPerSecond:N0} TS packets/s)"));
            Console.WriteLine(Invariant($"  CPU per datagram on that thread      {r.CpuNanosPerDatagram,12:N0} ns  (one core could carry {r.MbpsPerCore:N0} Mbps)"));
            Console.WriteLine(Invariant($"  bytes allocated per datagram          {r.AllocatedBytesPerDatagram,12:0.###}   ({r.AllocatedBytes} bytes in all)"));
            return r.AllocatedBytesPerDatagram == 0 ? ExitCodes.Ok : ExitCodes.RuntimeFailure;
        });
        return command;
    }

    static Command CreateProcess()
    {
        var bitrate = new Option<long>("--bitrate") { Description = "Input bit rate", CustomParser = RistbondCli.ParseBitrate, DefaultValueFactory = _ => 20_000_000 };
        var links = new Option<int>("--links") { Description = "Links per sender", DefaultValueFactory = _ => 3 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time", DefaultValueFactory = _ => 20 };
        var command = new Command("process", "Whole process: CPU seconds per Mbit and peak RSS of ristbond vs ristsender on the same input and links") { bitrate, links, seconds };
        command.SetAction(result =>
        {
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Information);
            var r = ProcessBench.Run(result.GetValue(bitrate), result.GetValue(links), result.GetValue(seconds), loggers.CreateLogger("bench"));
            Console.WriteLine(Invariant($"whole process, {Units.FormatBitrate(r.BitrateBps)} TS over {r.Links} links for {r.Seconds:0} s, side by side"));
            Console.WriteLine($"  {"program",-11} {"CPU s",8} {"CPU s/Mbit",12} {"peak RSS MiB",13} {"delivered",11}");
            foreach (var side in (ReadOnlySpan<ProcessBench.Side>)[r.Ristsender, r.Ristbond])
            {
                Console.WriteLine(Invariant(
                    $"  {side.Program,-11} {side.CpuSeconds,8:0.00} {side.CpuSecondsPerMbit,12:0.00000} {side.PeakRssBytes / 1048576.0,13:0.0} {side.DeliveredBytes * 8 / 1e6 / side.MbitCarried,10:P0}"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command CreateAdapt()
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Scenario to run: {AdaptBench.All} or one of {AdaptBench.ScenarioNames}",
            DefaultValueFactory = _ => AdaptBench.All,
        };
        scenario.Validators.Add(r =>
        {
            string name = r.GetValueOrDefault<string>() ?? "";
            if (name != AdaptBench.All && AdaptCatalog.Find(name) is null)
                r.AddError($"--scenario '{name}' is not one of: {AdaptBench.All}, {AdaptBench.ScenarioNames}");
        });
        var outDirectory = new Option<string>("--out") { Description = "Where <scenario>.json and <scenario>.svg go (and cache/, the baseline's encoded video)", DefaultValueFactory = _ => Path.Combine("artifacts", "bench") };
        var json = new Option<bool>("--json") { Description = "Print the summaries as JSON instead of the tables" };
        var sequential = new Option<bool>("--sequential") { Description = "Run ristbond's side, then the baseline's, instead of both at once (twice as long; no shared CPU)" };
        // The emulator by default: it needs no privileges and has delay, which the host kernel (no netem) cannot add.
        var links = new Option<string>("--links")
        {
            Description = "Links: emulator (tools/LinkEmulator, default: no root needed, has delay), kernel (veth + tbf + nftables in network namespaces, root), or all",
            DefaultValueFactory = _ => "emulator",
        };
        links.AcceptOnlyFromAmong("emulator", "kernel", "all");
        var input = new Option<string>("--input")
        {
            Description = "What the senders carry: testsrc (the packet test stream, default), pattern (720p30 HEVC video through x265), or all",
            DefaultValueFactory = _ => "testsrc",
        };
        input.AcceptOnlyFromAmong("testsrc", "pattern", "all");
        var command = new Command("adapt", "Adaptive bonding against ristsender with equal static weights and a fixed bitrate, over identical emulated or kernel-shaped links")
        {
            scenario, outDirectory, json, sequential, links, input,
        };
        command.SetAction(result =>
        {
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Information);
            ILogger log = loggers.CreateLogger("bench");
            var reports = new List<AdaptReport>();
            LinkBackEnd[] backEnds = result.GetValue(links) switch
            {
                "kernel" => [LinkBackEnd.Kernel],
                "all" => [LinkBackEnd.Emulator, LinkBackEnd.Kernel],
                _ => [LinkBackEnd.Emulator],
            };
            AdaptInput[] inputs = result.GetValue(input) switch
            {
                "pattern" => [AdaptInput.Pattern],
                "all" => [AdaptInput.Testsrc, AdaptInput.Pattern],
                _ => [AdaptInput.Testsrc],
            };
            foreach (AdaptScenario s in AdaptBench.Select(result.GetValue(scenario)!))
            {
                foreach (LinkBackEnd backEnd in backEnds)
                {
                    foreach (AdaptInput what in inputs)
                    {
                        var options = new AdaptRunOptions(backEnd, what, result.GetValue(sequential), result.GetValue(outDirectory)!);
                        AdaptReport report = AdaptBench.Run(s, options, log);
                        reports.Add(report);
                        if (!result.GetValue(json))
                            Console.WriteLine(AdaptTable.Scenario(report));
                    }
                }
            }
            if (result.GetValue(json))
                Console.WriteLine(AdaptBench.SummariesJson(reports));
            else if (reports.Count > 1)
                Console.Write(AdaptTable.Summary(reports));
            // A benchmark reports; it does not fail on its goals. Only a run that broke is an error.
            return reports.Any(r => r.Broken is not null) ? ExitCodes.RuntimeFailure : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Hidden: prints a shipped synthetic capacity trace as its generator makes it (how the files were made).</summary>
    static Command CreateTrace()
    {
        var name = new Argument<string>("name") { Description = "A trace model: " + string.Join(", ", TraceSynth.Shipped.Select(m => m.Name)) };
        var command = new Command("trace", "Print a synthetic LTE uplink capacity trace (the shipped traces' generator)") { name };
        command.Hidden = true;
        command.SetAction(result =>
        {
            string wanted = result.GetValue(name)!;
            TraceModel? model = TraceSynth.Shipped.FirstOrDefault(m => m.Name == wanted);
            if (model is null)
            {
                Console.Error.WriteLine($"ristbond: bench trace: '{wanted}' is not one of: {string.Join(", ", TraceSynth.Shipped.Select(m => m.Name))}");
                return ExitCodes.BadInput;
            }
            Console.Write(TraceSynth.FileText(model));
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command CreateVideo()
    {
        var size = new Option<string>("--video-size") { Description = "Picture size", DefaultValueFactory = _ => "1280x720" };
        var fps = new Option<string>("--fps") { Description = "Frames per second", DefaultValueFactory = _ => "30" };
        var bitrate = new Option<long>("--bitrate") { Description = "Encoder bit rate", CustomParser = RistbondCli.ParseBitrate, DefaultValueFactory = _ => 4_000_000 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time (the figures cover the last 256 frames)", DefaultValueFactory = _ => 10 };
        var command = new Command("video", "Video send path: the pattern through x265 (ultrafast) and the muxer, paced into librist; encode time, capture-to-librist latency, CPU per frame")
        {
            size, fps, bitrate, seconds,
        };
        command.SetAction(result =>
        {
            (int width, int height) = Ingest.VideoInputOptions.ParseSize(result.GetValue(size)!);
            (int numerator, int denominator) = Ingest.VideoInputOptions.ParseFrameRate(result.GetValue(fps)!);
            var format = new Video.VideoFormat(width, height, Video.PixelFormat.I420, numerator, denominator);
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(LogLevel.Warning);
            var r = VideoBench.Run(format, result.GetValue(bitrate), result.GetValue(seconds), loggers.CreateLogger("bench"));
            var s = r.Stats;
            Console.WriteLine(Invariant($"video path, {format} through x265 ultrafast at {Units.FormatBitrate(r.BitrateBps)}, {r.Seconds:0.0} s, {Environment.ProcessorCount} cores"));
            Console.WriteLine(Invariant($"  frames sent / keyframes / skipped       {s.Frames} / {s.Keyframes} / {s.SkippedFrames}   ({r.Mbps:0.00} Mbps of TS)"));
            Console.WriteLine(Invariant($"  encode call, ms p50 / p95               {s.EncodeMsP50:0.0} / {s.EncodeMsP95:0.0}"));
            Console.WriteLine(Invariant($"  capture -> first datagram, ms p50 / p95 {s.FirstDatagramMsP50:0.0} / {s.FirstDatagramMsP95:0.0}"));
            Console.WriteLine(Invariant($"  capture -> last datagram, ms p50 / p95  {s.LastDatagramMsP50:0.0} / {s.LastDatagramMsP95:0.0}   (muxed, into the stream pacer)"));
            Console.WriteLine(Invariant($"  CPU per frame, whole process, ms        {r.ProcessCpuMsPerFrame:0.0}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.CommandLine;
using Microsoft.Extensions.Logging;
using Ristbond.Appliance.Logging;
using Ristbond.Appliance.Send;
using Ristbond.Ingest;
using Ristbond.Ingest.Pacing;
using Ristbond.Modems;
using Ristbond.Platform;
using Ristbond.Rist;
using Ristbond.Video;

namespace Ristbond.Appliance.Cli;

/// <summary><c>ristbond send</c>: ristsender's options where they mean the same thing, so its users feel at home.</summary>
public static class SendCommand
{
    const long DefaultMinBitrate = 500_000;
    const long DefaultMaxBitrate = 20_000_000;

    public static Command Create()
    {
        var input = new Option<string>("--input", "-i")
        {
            Description = "udp://[@][address]:port (TS or RTP/TS from an encoder), a .ts file, testsrc, pattern (test pattern ristbond encodes) or v4l2:///dev/videoN (a capture device ristbond encodes)",
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
            Description = "Start bit rate of testsrc or of the video encoder (k/M suffixes); then the recommendation",
            CustomParser = RistbondCli.ParseBitrate,
            DefaultValueFactory = _ => 4_000_000,
        };
        var videoSize = new Option<string>("--video-size")
        {
            Description = "With -i pattern or v4l2://: picture size WIDTHxHEIGHT (a capture device may grant another)",
            DefaultValueFactory = _ => "1280x720",
        };
        var fps = new Option<string>("--fps")
        {
            Description = "With -i pattern or v4l2://: frames per second (30, 25, 29.97, 30000/1001; a capture device may grant another)",
            DefaultValueFactory = _ => "30",
        };
        var encoder = new Option<string>("--encoder")
        {
            Description = "With -i pattern or v4l2://: the video encoder, auto (a V4L2 HEVC/H.264 encoder where found, else x265), x265 (software) or /dev/videoN (that V4L2 encoder)",
            DefaultValueFactory = _ => "auto",
        };
        var allowFwht = new Option<bool>("--allow-fwht")
        {
            Description = "With --encoder /dev/videoN: accept vicodec's FWHT test codec, sent as private data (a check of the encoder path; no standard receiver decodes it)",
        };
        var minBitrate = new Option<long>("--min-bitrate")
        {
            Description = "Lowest encoder bitrate the control loop recommends",
            CustomParser = RistbondCli.ParseBitrate,
            DefaultValueFactory = _ => DefaultMinBitrate,
        };
        var maxBitrate = new Option<long>("--max-bitrate")
        {
            Description = "Highest encoder bitrate the control loop recommends",
            CustomParser = RistbondCli.ParseBitrate,
            DefaultValueFactory = _ => DefaultMaxBitrate,
        };
        var staticWeights = new Option<bool>("--static-weights") { Description = "No adaptation: the URLs' weight= as librist weights, fixed bitrate (dead links still out)" };
        var bitrateCommand = new Option<string?>("--bitrate-command") { Description = "Run CMD BITRATE (through /bin/sh) when the recommended bitrate changes, for an external encoder" };
        var bitrateUdp = new Option<string?>("--bitrate-udp") { Description = "Send {\"recommended_bitrate_bps\":N} to ADDRESS:PORT on each change and once a second" };
        var statsJson = new Option<string?>("--stats-json") { Description = "Write one JSON stats line per second to PATH, or - for stdout" };
        var controlTrace = new Option<string?>("--control-trace") { Description = "Write the control loop's reasoning (one CSV row per link per tick: estimates, health, weight, bitrate) to PATH" };
        var control = new Option<string?>("--control") { Description = "Unix socket taking link commands: add URL | remove NAME | bitrate RATE | stats" };
        var statusListen = new Option<string?>("--status-listen") { Description = "Serve the status API and web page on ADDR:PORT (e.g. 127.0.0.1:8080); an address other than loopback needs --status-token-file" };
        var statusTokenFile = new Option<string?>("--status-token-file") { Description = "File holding the token other machines must show (Authorization: Bearer TOKEN, or open the page once as /?token=TOKEN)" };
        var table = new Option<bool>("--table") { Description = "Show a live per-link table on the terminal" };
        var connectTimeout = new Option<TimeSpan?>("--connect-timeout")
        {
            Description = "Give up if no receiver answers on any link within this time at start (0 waits forever; default 10 s, forever with --modems)",
            CustomParser = r => RistbondCli.ParseSeconds(r),
        };
        var modems = new Option<bool>("--modems") { Description = "One link per ModemManager modem with a connected bearer, made from the first -o URL (miface= per modem), added and removed as modems come and go; further -o URLs are static links beside them" };
        var apn = new Option<string?>("--apn") { Description = "With --modems: connect modems that are not connected, with this APN" };
        var apnUser = new Option<string?>("--apn-user") { Description = "User name for the APN" };
        var apnPasswordFile = new Option<string?>("--apn-password-file") { Description = "File holding the APN password (never logged)" };
        var simPinFile = new Option<string?>("--sim-pin-file") { Description = "File holding the SIM PIN, to unlock locked modems (never logged)" };
        var reenableAfter = new Option<TimeSpan>("--modem-reenable-after")
        {
            Description = "With --apn: a modem failed or searching this long is reported and re-enabled",
            CustomParser = RistbondCli.ParseSeconds,
            DefaultValueFactory = _ => TimeSpan.FromMinutes(2),
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Stop after this long",
            CustomParser = r => RistbondCli.ParseSeconds(r),
        };
        var latencyBudget = new Option<int>("--latency-budget")
        {
            Description = "Milliseconds a datagram may wait in the stream pacer; the video encoder's VBV is sized to it (default 200)",
            DefaultValueFactory = _ => new PacerOptions().LatencyBudgetMs,
        };
        var intraRefresh = new Option<string>("--intra-refresh")
        {
            Description = "on: periodic intra refresh instead of IDR keyframes where the encoder offers it (no keyframe bursts); off: an IDR every 2 s",
            DefaultValueFactory = _ => "on",
        };
        intraRefresh.AcceptOnlyFromAmong("on", "off");
        var boardProfile = new Option<string?>("--board-profile") { Description = "Board profile (JSON): the LEDs and modem power lines that follow the links" };
        var flowId = new Option<uint>("--flow-id") { Description = "RIST flow id (even number; default: random)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log more, librist's own messages too" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Log warnings and errors only" };

        var command = new Command("send", "Send one TS input as one RIST flow over several links")
        {
            input, output, loop, bitrate, videoSize, fps, encoder, allowFwht, latencyBudget, intraRefresh, minBitrate, maxBitrate, staticWeights, bitrateCommand, bitrateUdp,
            statsJson, controlTrace, control, statusListen, statusTokenFile, table, connectTimeout, duration, flowId, modems, apn, apnUser, apnPasswordFile, simPinFile, reenableAfter,
            boardProfile, verbose, quiet,
        };
        command.Validators.Add(result =>
        {
            // Inside a validator an option left out reads as 0, not as its default (System.CommandLine 2.0).
            long min = result.GetResult(minBitrate) is null ? DefaultMinBitrate : result.GetValue(minBitrate);
            long max = result.GetResult(maxBitrate) is null ? DefaultMaxBitrate : result.GetValue(maxBitrate);
            if (min > max)
                result.AddError($"--min-bitrate {min} is above --max-bitrate {max}");
            if (result.GetValue(allowFwht) && !(result.GetValue(encoder) ?? "").TrimStart().StartsWith('/'))
                result.AddError("--allow-fwht needs --encoder /dev/videoN (auto never chooses FWHT)");
            if (result.GetResult(apn) is not null && !result.GetValue(modems))
                result.AddError("--apn needs --modems");
            foreach (Option connectOnly in new Option[] { apnUser, apnPasswordFile, simPinFile, reenableAfter })
            {
                if (result.GetResult(connectOnly) is { Implicit: false } && result.GetValue(apn) is null)
                    result.AddError($"{connectOnly.Name} needs --apn (ristbond connects modems only when given an APN)");
            }
        });
        command.SetAction(result =>
        {
            (int width, int height) = VideoInputOptions.ParseSize(result.GetValue(videoSize)!);
            // With --modems the first -o URL is the receiver the modems' links are made from; the others are static links beside them.
            List<string> outputs = [.. (result.GetValue(output) ?? []).SelectMany(RistUrl.SplitList)];
            string? modemTemplate = null;
            if (result.GetValue(modems) && outputs.Count > 0)
            {
                modemTemplate = outputs[0];
                outputs.RemoveAt(0);
            }
            (int rateNumerator, int rateDenominator) = VideoInputOptions.ParseFrameRate(result.GetValue(fps)!);
            PacerOptions pacer = new PacerOptions { LatencyBudgetMs = result.GetValue(latencyBudget) }.Checked();
            var options = new SendOptions
            {
                Pacer = pacer,
                Video = new VideoInputOptions
                {
                    Width = width,
                    Height = height,
                    FrameRateNumerator = rateNumerator,
                    FrameRateDenominator = rateDenominator,
                    Encoder = VideoEncoderChoice.Parse(result.GetValue(encoder)!),
                    AllowFwht = result.GetValue(allowFwht),
                    LatencyBudgetMilliseconds = pacer.LatencyBudgetMs,
                    IntraRefresh = result.GetValue(intraRefresh) == "on",
                },
                Input = result.GetValue(input)!,
                Outputs = outputs,
                Loop = result.GetValue(loop),
                TestBitrateBps = result.GetValue(bitrate),
                MinBitrateBps = result.GetValue(minBitrate),
                MaxBitrateBps = result.GetValue(maxBitrate),
                StaticWeights = result.GetValue(staticWeights),
                BitrateCommand = result.GetValue(bitrateCommand),
                BitrateUdp = result.GetValue(bitrateUdp),
                StatsJson = result.GetValue(statsJson),
                ControlTrace = result.GetValue(controlTrace),
                ControlSocket = result.GetValue(control),
                StatusListen = result.GetValue(statusListen),
                StatusTokenFile = result.GetValue(statusTokenFile),
                Table = result.GetValue(table),
                ConnectTimeout = result.GetValue(connectTimeout),
                Duration = result.GetValue(duration),
                BoardProfile = result.GetValue(boardProfile),
                FlowId = result.GetValue(flowId),
                ModemTemplate = modemTemplate,
                AutoConnect = result.GetValue(apn) is string name
                    ? new AutoConnectOptions
                    {
                        Apn = name,
                        User = result.GetValue(apnUser),
                        Password = SecretFile.Read(result.GetValue(apnPasswordFile), "--apn-password-file"),
                        Pin = SecretFile.Read(result.GetValue(simPinFile), "--sim-pin-file"),
                        StuckAfter = result.GetValue(reenableAfter),
                    }
                    : null,
                LogLevel = result.GetValue(verbose) ? LogLevel.Debug : result.GetValue(quiet) ? LogLevel.Warning : LogLevel.Information,
            };
            using ILoggerFactory loggers = LineLoggerProvider.CreateFactory(options.LogLevel);
            using var session = new SendSession(options, loggers.CreateLogger("ristbond"));
            return session.Run();
        });
        return command;
    }
}

using Microsoft.Extensions.Logging;
using Ristbond.Bench.Adapt.Video;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>A scenario's result and its figure.</summary>
public sealed record AdaptRun(AdaptReport Report, string Svg);

/// <summary>What one side of a run left behind, for <see cref="AdaptEvaluation"/>.</summary>
public sealed record SideRecord
{
    public required SideKind Kind { get; init; }
    public required string Sender { get; init; }
    public StatsTimeline? Stats { get; init; }
    public required WireTimeline Wire { get; init; }
    public required CaptureFindings Capture { get; init; }
    public required long DeliveredBytes { get; init; }
    public required long ReceiverLost { get; init; }
    public long ReceiverLostDiscarded { get; init; }
    public required long ReceiverRecovered { get; init; }
    public int? SenderExitCode { get; init; }
    public string? Problem { get; init; }
    /// <summary>With <c>--input pattern</c>: the delivered video as the verifier saw it.</summary>
    public VideoFindings? Video { get; init; }
    /// <summary>With <c>--input pattern</c>: frames the side's encoder made (ristbond: its stats' encoder.frames; the baseline: frames its clip player sent).</summary>
    public long? FramesSent { get; init; }
    /// <summary>With <c>--input pattern</c>: ffmpeg's decode of the recording after the run.</summary>
    public DecodeResult? Decode { get; init; }
    /// <summary>What the links could not do that the scenario asked for (kernel: no delay).</summary>
    public string? LinkLimitations { get; init; }
}

/// <summary>
/// Runs one scenario for ristbond and the baseline and hands the recorded timelines to
/// <see cref="AdaptEvaluation"/>. By default both sides run at once: their links start within microseconds of
/// each other and apply the scenario's events at the same instants, any hiccup of the machine hits both alike,
/// and the bench takes half the time. The price is that both share the 2 cores; at these bitrates (≤ 25 Mbit/s
/// per side) the senders, receivers and emulator together use well under one core.
/// </summary>
public sealed class AdaptRunner(ILogger log, AdaptRunOptions options)
{
    /// <summary>After the input stops: the receivers' 1 s buffer drains and they print their stats once more.</summary>
    const double DrainSeconds = 2.0;
    /// <summary>How long ristbond keeps its links after its input ends (README, SIGINT/SIGTERM); the baseline gets the same.</summary>
    const double SenderLingerSeconds = 1.0;
    /// <summary>For the receivers to bind before anything is sent to them.</summary>
    const int ReceiverStartMs = 300;
    /// <summary>ristbond stops by itself after --duration and lingers 1 s for retransmissions; this is its slack.</summary>
    const double SenderStopSlackSeconds = 6;

    public AdaptRun Run(AdaptScenario scenario)
    {
        log.LogInformation("bench adapt: {Scenario}, {Seconds:0} s, {Links} links, {Input}, {Mode}: {Description}", scenario.Name, scenario.DurationSeconds,
            AdaptRunOptions.Name(options.Links), AdaptRunOptions.Name(options.Input),
            options.Sequential ? "one side after the other" : "both sides at once", scenario.Description);
        string? clip = options.Input == AdaptInput.Pattern
            ? PatternClip.Get(Path.Combine(options.OutDirectory, "cache"), scenario.BaselineBitrateBps, scenario.DurationSeconds, log)
            : null;
        List<SideRecord> records = options.Sequential
            ? [.. RunSides(scenario, [SideKind.Ristbond], clip), .. RunSides(scenario, [SideKind.Baseline], clip)]
            : RunSides(scenario, [SideKind.Ristbond, SideKind.Baseline], clip);
        SideRecord ristbond = records.Single(r => r.Kind == SideKind.Ristbond), baseline = records.Single(r => r.Kind == SideKind.Baseline);
        var context = new AdaptContext(options.Sequential ? "sequential" : "parallel", AdaptRunOptions.Name(options.Links), AdaptRunOptions.Name(options.Input));
        return new AdaptRun(AdaptEvaluation.Evaluate(scenario, ristbond, baseline, context), AdaptPlot.Render(scenario, ristbond, baseline, $"{context.Mode}, {context.Links} links, {context.Input}"));
    }

    List<SideRecord> RunSides(AdaptScenario scenario, SideKind[] kinds, string? clip)
    {
        var sides = new List<AdaptSide>();
        try
        {
            foreach (SideKind kind in kinds)
                sides.Add(new AdaptSide(kind, scenario, kind == SideKind.Ristbond ? options : options with { ControlTracePath = null }, log, clip));
            Thread.Sleep(ReceiverStartMs);
            InterruptCleanup.ThrowIfInterrupted();
            string? problem = FirstProblem(sides, senderMayHaveStopped: false);
            if (problem is null)
            {
                foreach (AdaptSide side in sides)
                    side.Start();
                problem = Watch(sides, sides.Max(s => s.StartNanos) + Nanos(scenario.DurationSeconds));
            }
            foreach (AdaptSide side in sides)
                side.StopInput();
            long inputStopped = MonotonicClock.NowNanos;
            problem ??= WaitForRistbond(sides, sides.Max(s => s.StartNanos) + Nanos(scenario.DurationSeconds + SenderStopSlackSeconds));
            // ristbond keeps its links a second after its input ends, for the last retransmissions: so does the baseline.
            MonotonicClock.SleepUntil(inputStopped + Nanos(SenderLingerSeconds));
            problem ??= FirstProblem(sides, senderMayHaveStopped: true);
            foreach (AdaptSide side in sides)
                side.StopSender();
            Thread.Sleep(TimeSpan.FromSeconds(DrainSeconds));
            InterruptCleanup.ThrowIfInterrupted();
            problem ??= FirstProblem(sides, senderMayHaveStopped: true);
            if (problem is not null)
                log.LogWarning("bench adapt: {Scenario}: the run broke: {Problem}", scenario.Name, problem);
            return [.. sides.Select(s => Record(s, problem))];
        }
        finally
        {
            foreach (AdaptSide side in sides)
                side.Dispose();
        }
    }

    /// <summary>Waits until <paramref name="endNanos"/>, looking for a broken side every 100 ms; stops early if one is.</summary>
    static string? Watch(List<AdaptSide> sides, long endNanos)
    {
        while (MonotonicClock.NowNanos < endNanos)
        {
            MonotonicClock.SleepUntil(Math.Min(endNanos, MonotonicClock.NowNanos + AdaptSide.IntervalNanos));
            InterruptCleanup.ThrowIfInterrupted();
            // ristbond's --duration counts from its own start, a little after the links': it may end just before endNanos.
            bool nearEnd = MonotonicClock.NowNanos > endNanos - Nanos(0.5);
            if (FirstProblem(sides, nearEnd) is string problem)
                return problem;
        }
        return null;
    }

    static string? WaitForRistbond(List<AdaptSide> sides, long deadlineNanos)
    {
        foreach (AdaptSide side in sides.Where(s => s.Kind == SideKind.Ristbond && s.Sender is not null))
        {
            var timeout = TimeSpan.FromTicks(Math.Max(0, deadlineNanos - MonotonicClock.NowNanos) / 100);
            if (!side.Sender!.WaitForExit(timeout))
                return $"ristbond did not stop within {SenderStopSlackSeconds:0} s of --duration: {side.Sender.LastErrors}";
            if (side.Sender.ExitCode != 0)
                return side.Sender.DescribeExit();
        }
        return null;
    }

    /// <param name="senderMayHaveStopped">ristbond may have ended (its --duration is up); ristsender runs until disposed.</param>
    static string? FirstProblem(List<AdaptSide> sides, bool senderMayHaveStopped) =>
        sides.Select(s => s.Problem(senderMayHaveStopped)).FirstOrDefault(p => p is not null);

    static SideRecord Record(AdaptSide side, string? problem)
    {
        side.StopSampling();
        side.StopCapture();
        StatsTimeline? stats = side.StatsTimeline();
        DecodeResult? decode = null;
        if (side.Capture.RecordingPath is string recording)
        {
            decode = DecodeCheck.Run(recording);
            // A minute of video is tens of MB: kept only when it did not decode cleanly, for a look.
            if (decode.Errors == 0)
                File.Delete(recording);
        }
        return new SideRecord
        {
            Kind = side.Kind,
            Sender = side.Kind == SideKind.Ristbond ? "ristbond send (adaptive)" : "ristsender (equal weight=1, fixed bitrate)",
            Stats = stats,
            Wire = side.Wire,
            Capture = side.Capture.Findings(),
            DeliveredBytes = side.Capture.Bytes,
            ReceiverLost = side.Receiver.Lost,
            ReceiverLostDiscarded = side.Receiver.LostDiscarded,
            ReceiverRecovered = side.Receiver.Recovered,
            SenderExitCode = side.Sender?.ExitCode,
            Problem = problem,
            Video = side.Capture.Video(),
            FramesSent = side.Kind == SideKind.Ristbond ? (long?)stats?.Samples.Max(x => x.EncoderFrames) : side.FramesSent,
            Decode = decode,
            LinkLimitations = side.Links.Limitations,
        };
    }

    static long Nanos(double seconds) => (long)(seconds * MonotonicClock.NanosPerSecond);
}

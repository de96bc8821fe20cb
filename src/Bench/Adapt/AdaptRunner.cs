using Microsoft.Extensions.Logging;
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
}

/// <summary>
/// Runs one scenario for ristbond and the baseline and hands the recorded timelines to
/// <see cref="AdaptEvaluation"/>. By default both sides run at once: their links start within microseconds of
/// each other and apply the scenario's events at the same instants, any hiccup of the machine hits both alike,
/// and the bench takes half the time. The price is that both share the 2 cores; at these bitrates (≤ 25 Mbit/s
/// per side) the senders, receivers and emulator together use well under one core.
/// </summary>
public sealed class AdaptRunner(ILogger log)
{
    /// <summary>If set, ristbond writes its <c>--control-trace</c> here (one file per scenario run).</summary>
    public string? ControlTracePath { get; init; }

    /// <summary>After the input stops: the receivers' 1 s buffer drains and they print their stats once more.</summary>
    const double DrainSeconds = 2.0;
    /// <summary>How long ristbond keeps its links after its input ends (README, SIGINT/SIGTERM); the baseline gets the same.</summary>
    const double SenderLingerSeconds = 1.0;
    /// <summary>For the receivers to bind before anything is sent to them.</summary>
    const int ReceiverStartMs = 300;
    /// <summary>ristbond stops by itself after --duration and lingers 1 s for retransmissions; this is its slack.</summary>
    const double SenderStopSlackSeconds = 6;

    public AdaptRun Run(AdaptScenario scenario, bool sequential)
    {
        log.LogInformation("bench adapt: {Scenario}, {Seconds:0} s, {Mode}: {Description}", scenario.Name, scenario.DurationSeconds,
            sequential ? "one side after the other" : "both sides at once", scenario.Description);
        List<SideRecord> records = sequential
            ? [.. RunSides(scenario, [SideKind.Ristbond]), .. RunSides(scenario, [SideKind.Baseline])]
            : RunSides(scenario, [SideKind.Ristbond, SideKind.Baseline]);
        SideRecord ristbond = records.Single(r => r.Kind == SideKind.Ristbond), baseline = records.Single(r => r.Kind == SideKind.Baseline);
        string mode = sequential ? "sequential" : "parallel";
        return new AdaptRun(AdaptEvaluation.Evaluate(scenario, ristbond, baseline, mode), AdaptPlot.Render(scenario, ristbond, baseline, mode));
    }

    List<SideRecord> RunSides(AdaptScenario scenario, SideKind[] kinds)
    {
        var sides = new List<AdaptSide>();
        try
        {
            foreach (SideKind kind in kinds)
                sides.Add(new AdaptSide(kind, scenario, kind == SideKind.Ristbond ? ControlTracePath : null));
            Thread.Sleep(ReceiverStartMs);
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
        return new SideRecord
        {
            Kind = side.Kind,
            Sender = side.Kind == SideKind.Ristbond ? "ristbond send (adaptive)" : "ristsender (equal weight=1, fixed bitrate)",
            Stats = side.StatsTimeline(),
            Wire = side.Wire,
            Capture = side.Capture.Findings(),
            DeliveredBytes = side.Capture.Bytes,
            ReceiverLost = side.Receiver.Lost,
            ReceiverLostDiscarded = side.Receiver.LostDiscarded,
            ReceiverRecovered = side.Receiver.Recovered,
            SenderExitCode = side.Sender?.ExitCode,
            Problem = problem,
        };
    }

    static long Nanos(double seconds) => (long)(seconds * MonotonicClock.NanosPerSecond);
}

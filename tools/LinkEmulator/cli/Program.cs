using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Ristbond.LinkEmulator;
using Ristbond.LinkEmulator.Cli;
using Ristbond.Platform;

// linkemu's life: parse the command line, load the scenario, bind every link, start, print where each link
// listens, then once a second write stats and check that no loop died, until SIGINT/SIGTERM cancels the token.

const long StatsIntervalNanos = MonotonicClock.NanosPerSecond;

try
{
    CliOptions options = CliOptions.Parse(args);
    if (options.ShowHelp)
    {
        Console.Out.Write(CliOptions.Usage);
        return ExitCodes.Ok;
    }

    ScenarioFile scenario = options.ScenarioPath is string path
        ? Scenario.Load(path)
        : new ScenarioFile(ScenarioFile.DefaultSeed, options.Links, []);
    if (options.Seed is ulong seed)
        scenario = scenario with { Seed = seed };

    using var stop = new CancellationTokenSource();
    // Signal handlers only cancel the token; everything else happens on the main thread.
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

    using Stream? statsStream = OpenStats(options.StatsJsonPath);
    using var runner = new ScenarioRunner(scenario);
    runner.EventApplied = ev => Log(DescribeEvent(runner, ev));
    runner.Start();
    Log($"seed {scenario.Seed}, {scenario.Links.Count} link(s), {scenario.Events.Count} event(s)");
    foreach (EmulatedLink link in runner.Links)
        Log(link.ToString());

    var line = new ArrayBufferWriter<byte>(4096);
    long nextStats = runner.StartedAtNanos + StatsIntervalNanos;
    while (!stop.IsCancellationRequested)
    {
        long waitMs = Math.Max(0, (nextStats - MonotonicClock.NowNanos) / 1_000_000);
        stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(waitMs));
        if (runner.Fault is Exception fault)
        {
            Log(fault.Message);
            return ExitCodes.InternalError;
        }
        if (stop.IsCancellationRequested || MonotonicClock.NowNanos < nextStats)
            continue;
        nextStats += StatsIntervalNanos;
        if (statsStream is not null)
        {
            line.ResetWrittenCount();
            LinkStatsJson.Write(line, MonotonicClock.SecondsSince(runner.StartedAtNanos), runner.Links);
            statsStream.Write(line.WrittenSpan);
            statsStream.WriteByte((byte)'\n');
            statsStream.Flush();
        }
    }
    Log("stopped");
    return ExitCodes.Ok;
}
catch (RistbondException e)
{
    Log(e.Message);
    return e.ExitCode;
}

static void Log(string message) => Console.Error.WriteLine($"linkemu: {message}");

static Stream? OpenStats(string? path)
{
    if (path is null)
        return null;
    if (path == "-")
        return Console.OpenStandardOutput();
    try
    {
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        throw new RistbondException($"--stats-json: could not create {path}: {e.Message}", ExitCodes.BadInput, e);
    }
}

static string DescribeEvent(ScenarioRunner runner, ScenarioEvent ev)
{
    EmulatedLink link = runner[ev.Link];
    string text = string.Create(CultureInfo.InvariantCulture, $"t={ev.AtSeconds:0.###}s link {ev.Link}:");
    if (ev.Up is not null)
        text += $" up {link.UpProfile.Describe()};";
    if (ev.Down is not null)
        text += $" down {link.DownProfile.Describe()};";
    if (ev.BlackoutSeconds is double seconds)
        text += string.Create(CultureInfo.InvariantCulture, $" blackout {seconds:0.###}s;");
    return text.TrimEnd(';');
}

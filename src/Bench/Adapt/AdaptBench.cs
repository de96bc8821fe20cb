using System.Text.Json;
using Microsoft.Extensions.Logging;
using Ristbond.Platform;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// <c>ristbond bench adapt</c>: adaptive ristbond against librist's ristsender with equal static weights and a
/// fixed bitrate, over identical links (emulated, or shaped by the kernel) to real ristreceivers, scenario by
/// scenario, with the test stream or video. Each scenario's result goes to <c>DIR/&lt;stem&gt;.json</c> (with its
/// timelines) and <c>DIR/&lt;stem&gt;.svg</c>, the stem naming the scenario, and the back-end and input where
/// they are not the emulator and testsrc.
/// </summary>
public static class AdaptBench
{
    public const string All = "all";

    public static string ScenarioNames => string.Join(", ", AdaptCatalog.Scenarios.Select(s => s.Name));

    /// <summary>The scenarios <c>--scenario</c> names: one, or every visible one for "all".</summary>
    public static IReadOnlyList<AdaptScenario> Select(string name) =>
        name == All ? [.. AdaptCatalog.Visible]
        : AdaptCatalog.Find(name) is { } scenario ? [scenario]
        : throw new RistbondException($"--scenario '{name}' is not one of: {All}, {ScenarioNames}");

    /// <summary>Runs one scenario and writes its JSON, SVG and control trace into the options' directory, named by <see cref="AdaptRunOptions.FileStem"/>.</summary>
    public static AdaptReport Run(AdaptScenario scenario, AdaptRunOptions options, ILogger log)
    {
        string outDirectory = options.OutDirectory;
        try
        {
            Directory.CreateDirectory(outDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not create {outDirectory}: {e.Message}", ExitCodes.BadInput, e);
        }
        string stem = options.FileStem(scenario);
        // ristbond's per-tick reasoning beside the results: the plots show what happened, the trace why.
        string trace = Path.Combine(outDirectory, stem + "-control.csv");
        AdaptRun run = new AdaptRunner(log, options with { ControlTracePath = trace }).Run(scenario);
        try
        {
            string json = Path.Combine(outDirectory, stem + ".json"), svg = Path.Combine(outDirectory, stem + ".svg");
            File.WriteAllText(json, JsonSerializer.Serialize(run.Report, AdaptJsonContext.Default.AdaptReport));
            File.WriteAllText(svg, run.Svg);
            log.LogInformation("bench adapt: {Scenario}: wrote {Json} and {Svg}", scenario.Name, json, svg);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not write the results of {scenario.Name} to {outDirectory}: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
        return run.Report;
    }

    /// <summary>The summaries, without timelines, as one JSON array (for <c>--json</c>).</summary>
    public static string SummariesJson(IEnumerable<AdaptReport> reports) =>
        JsonSerializer.Serialize([.. reports.Select(r => r with { Timelines = null })], AdaptJsonContext.Default.ListAdaptReport);
}

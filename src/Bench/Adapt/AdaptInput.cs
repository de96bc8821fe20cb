using Ristbond.Bench.Adapt.Links;

namespace Ristbond.Bench.Adapt;

/// <summary>What the senders carry (<c>bench adapt --input</c>).</summary>
public enum AdaptInput
{
    /// <summary>The packet test stream: ristbond's testsrc following the recommendation, the baseline's at its fixed bitrate; checked packet by packet.</summary>
    Testsrc,
    /// <summary>
    /// Video: ristbond runs <c>send -i pattern</c> (720p30 HEVC through x265, its encoder following the
    /// recommendation); the baseline's ristsender plays the same pattern encoded once at its fixed bitrate, in real
    /// time by its PCRs. Checked as video (frames, continuity) and decoded by ffmpeg after the run.
    /// </summary>
    Pattern,
}

/// <summary>How one run is set up: links, input, and whether the sides run together.</summary>
/// <param name="OutDirectory">Where reports go; the pattern's encoded clips are cached under <c>cache/</c> in it.</param>
/// <param name="ControlTracePath">If set, ristbond writes its <c>--control-trace</c> here.</param>
public sealed record AdaptRunOptions(LinkBackEnd Links, AdaptInput Input, bool Sequential, string OutDirectory, string? ControlTracePath = null)
{
    /// <summary>The name of a scenario's files: the scenario alone for the emulator and testsrc (as before), else with the back-end and input.</summary>
    public string FileStem(AdaptScenario scenario) =>
        scenario.Name + (Links == LinkBackEnd.Emulator ? "" : "-kernel") + (Input == AdaptInput.Testsrc ? "" : "-pattern");

    public static string Name(LinkBackEnd links) => links == LinkBackEnd.Kernel ? "kernel" : "emulator";

    public static string Name(AdaptInput input) => input == AdaptInput.Pattern ? "pattern" : "testsrc";
}

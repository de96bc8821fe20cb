using System.Diagnostics;
using System.Globalization;

namespace Ristbond.Bench.Adapt.Video;

/// <summary>What ffmpeg made of a recording: frames it decoded and the error lines it printed (<c>-v error</c>).</summary>
public sealed record DecodeResult(long FramesDecoded, int Errors, string? FirstError);

/// <summary>
/// Decodes a recorded video TS with ffmpeg (<c>-v error</c>, to nothing) after the run: every frame must decode,
/// and every line ffmpeg prints at that level is an error (a broken slice, a reference missing, a PES cut short),
/// its "repeated N times" lines N more.
/// </summary>
public static class DecodeCheck
{
    public static DecodeResult Run(string path)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "null", "-", "-progress", "pipe:1"])
            info.ArgumentList.Add(a);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
            process.Kill(entireProcessTree: true);
        string[] lines = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // ffmpeg folds repeats into "Last message repeated N times": each is N errors more.
        int errors = lines.Sum(l => l.StartsWith("Last message repeated ", StringComparison.Ordinal)
            && int.TryParse(l.AsSpan(22).TrimEnd(" times"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 1);
        long frames = 0;
        foreach (string line in stdout.Result.Split('\n'))
        {
            if (line.StartsWith("frame=", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out long f))
                frames = f;
        }
        if (process.HasExited && process.ExitCode != 0 && errors == 0)
            return new DecodeResult(frames, 1, $"ffmpeg exited with code {process.ExitCode}");
        return new DecodeResult(frames, errors, lines.FirstOrDefault());
    }
}

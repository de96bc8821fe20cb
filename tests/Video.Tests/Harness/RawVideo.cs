using System.Globalization;
using System.Text.RegularExpressions;

namespace Ristbond.Video.Tests.Harness;

/// <summary>Decodes a file with ffmpeg to raw I420 frames, each with its PTS, and compares pictures by luma PSNR.</summary>
public static partial class RawVideo
{
    /// <summary>Every decoded frame's PTS (90 kHz, the stream's own) and luma, plus what ffmpeg said on stderr.</summary>
    public static async Task<(List<(long Pts, byte[] Luma)> Frames, string Errors)> DecodeAsync(string path, VideoFormat format, string directory)
    {
        string raw = Path.Combine(directory, Path.GetFileNameWithoutExtension(path) + ".yuv");
        // showinfo prints each output frame's pts; -copyts keeps the stream's own timestamps.
        Tool.Result decode = await Tool.RunAsync("/usr/bin/ffmpeg", "-nostdin", "-y", "-copyts", "-i", path,
            "-vf", "showinfo", "-fps_mode", "passthrough", "-pix_fmt", "yuv420p", "-f", "rawvideo", raw);
        Assert.True(decode.ExitCode == 0, $"ffmpeg exited {decode.ExitCode}: {decode.Stderr}");
        List<long> pts = [.. PtsPattern().Matches(decode.Stderr).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        byte[] all = await File.ReadAllBytesAsync(raw);
        int frameBytes = format.Width * format.Height * 3 / 2;
        Assert.Equal(pts.Count, all.Length / frameBytes);
        var frames = new List<(long, byte[])>(pts.Count);
        for (int i = 0; i < pts.Count; i++)
            frames.Add((pts[i], all.AsSpan(i * frameBytes, format.Width * format.Height).ToArray()));
        string errors = string.Join('\n', decode.Stderr.Split('\n').Where(line => line.Contains("[hevc", StringComparison.Ordinal)));
        return (frames, errors);
    }

    /// <summary>Luma PSNR in dB; 100 for identical pictures.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        if (sum == 0)
            return 100;
        double mse = (double)sum / a.Length;
        return 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    [GeneratedRegex(@"\] n:\s*\d+ pts:\s*(\d+)")]
    private static partial Regex PtsPattern();
}

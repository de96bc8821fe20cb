using System.Diagnostics;

namespace Ristbond.Ingest.Tests.Harness;

/// <summary>
/// A 1.5 s MPEG-2 video transport stream made by FFmpeg, as a user's recording would be: real PCRs, a real rate.
/// Made once per test class that asks for it.
/// </summary>
public sealed class FfmpegTsFile : IDisposable
{
    public FfmpegTsFile()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ristbond-ingest-ffmpeg-").FullName;
        Path = System.IO.Path.Combine(Directory, "testsrc-1.5s.ts");
        var info = new ProcessStartInfo("/usr/bin/ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1.5",
                     "-c:v", "mpeg2video", "-b:v", "1M", "-f", "mpegts", Path })
            info.ArgumentList.Add(argument);
        using var ffmpeg = Process.Start(info)!;
        string errors = ffmpeg.StandardError.ReadToEnd();
        if (!ffmpeg.WaitForExit(TimeSpan.FromSeconds(30)) || ffmpeg.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not make the test file: {errors}");
        Bytes = File.ReadAllBytes(Path);
    }

    public string Directory { get; }
    public string Path { get; }
    public byte[] Bytes { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

using System.Text.Json;
using Ristbond.MpegTs.Tests.Harness;

namespace Ristbond.MpegTs.Tests;

/// <summary>
/// The test stream as independent tools see it: FFmpeg must find one program with the data stream on PID 0x100
/// and its PCR on 0x101, and no error or continuity break anywhere in it.
/// </summary>
public sealed class FfprobeValidationTests : IDisposable
{
    const string Ffprobe = "/usr/bin/ffprobe";
    const string Ffmpeg = "/usr/bin/ffmpeg";

    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-mpegts-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>About two seconds of the generator's output, a datagram per simulated millisecond, written as a file.</summary>
    string WriteTestStream(string name, Func<List<byte[]>, List<byte[]>>? damage = null)
    {
        List<byte[]> packets = [.. Packets.Generate(2000).SelectMany(d => Packets.Split(d.Datagram))];
        if (damage is not null)
            packets = damage(packets);
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, [.. packets.SelectMany(p => p)]);
        return path;
    }

    [Fact]
    public async Task Ffprobe_sees_one_program_with_the_data_stream_and_its_pcr()
    {
        string path = WriteTestStream("pattern.ts");

        var probe = await Tool.RunAsync(Ffprobe, "-v", "error", "-show_streams", "-show_programs", "-of", "json", path);

        Assert.True(probe.ExitCode == 0, $"ffprobe exited {probe.ExitCode}: {probe.Stderr}");
        Assert.Equal("", probe.Stderr.Trim());
        using JsonDocument json = JsonDocument.Parse(probe.Stdout);
        JsonElement program = Assert.Single(json.RootElement.GetProperty("programs").EnumerateArray());
        Assert.Equal(Psi.DefaultProgramNumber, program.GetProperty("program_num").GetInt32());
        Assert.Equal(TestPattern.PmtPid, program.GetProperty("pmt_pid").GetInt32());
        Assert.Equal(TestPattern.PcrPid, program.GetProperty("pcr_pid").GetInt32());
        JsonElement programStream = Assert.Single(program.GetProperty("streams").EnumerateArray());
        Assert.Equal("0x100", programStream.GetProperty("id").GetString());
        Assert.Equal("data", programStream.GetProperty("codec_type").GetString());
        JsonElement stream = Assert.Single(json.RootElement.GetProperty("streams").EnumerateArray());
        Assert.Equal("0x100", stream.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Ffmpeg_reads_the_whole_stream_without_errors()
    {
        string path = WriteTestStream("pattern.ts");

        var copy = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "null", "-");

        Assert.True(copy.ExitCode == 0, $"ffmpeg exited {copy.ExitCode}: {copy.Stderr}");
        Assert.Equal("", copy.Stderr.Trim());
    }

    // FFmpeg reports continuity breaks at debug level only, so "-v error" alone could not see one; this looks for them.
    [Fact]
    public async Task Ffmpeg_finds_no_continuity_break()
    {
        string path = WriteTestStream("pattern.ts");

        string[] breaks = await ContinuityBreaks(path);

        Assert.Empty(breaks);
    }

    [Fact]
    public async Task Continuity_check_does_see_a_lost_packet()
    {
        // The control for the test above: one data packet dropped must be reported, or that test proves nothing.
        string path = WriteTestStream("damaged.ts", packets =>
        {
            packets.RemoveAt(packets.FindIndex(500, p => TsPacket.Pid(p) == TestPattern.DataPid));
            return packets;
        });

        string[] breaks = await ContinuityBreaks(path);

        Assert.Contains(breaks, line => line.Contains($"pid {TestPattern.DataPid}", StringComparison.Ordinal));
    }

    static async Task<string[]> ContinuityBreaks(string path)
    {
        var run = await Tool.RunAsync(Ffmpeg, "-nostdin", "-v", "debug", "-i", path, "-map", "0", "-c", "copy", "-f", "null", "-");
        Assert.True(run.ExitCode == 0, $"ffmpeg exited {run.ExitCode}");
        return [.. run.Stderr.Split('\n').Where(l => l.Contains("Continuity check failed", StringComparison.Ordinal))];
    }
}

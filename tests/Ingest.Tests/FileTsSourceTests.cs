using Microsoft.Extensions.Logging.Abstractions;
using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>A file the sender cannot send is refused before anything is sent, with a message that names the file and the reason.</summary>
public sealed class FileTsSourceTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("ristbond-ingest-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Write(string name, byte[] content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    static RistbondException Refused(string path) =>
        Assert.Throws<RistbondException>(() => new FileTsSource(path, loop: false, NullLogger.Instance).Dispose());

    [Fact]
    public void Random_bytes_are_not_mpeg_ts()
    {
        byte[] noise = new byte[256 * 1024];
        new Random(42).NextBytes(noise);
        string path = Write("noise.ts", noise);

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an MPEG-TS file", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void Text_file_is_not_mpeg_ts()
    {
        string path = Write("notes.ts", System.Text.Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Repeat("This is a text file that someone named .ts by mistake. GGGG\n", 400))));

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an MPEG-TS file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_not_mpeg_ts()
    {
        string path = Write("empty.ts", []);

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an MPEG-TS file", error.Message, StringComparison.Ordinal);
    }

    // Guards a fixed defect: FileTsSource's constructor (src/Ingest/FileTsSource.cs, `_startOffset = TsSync.FindAlignment(...)`) decides
    // "is this TS?" with FindAlignment, which trusts a single 0x47 byte when the file holds fewer than
    // TsSync.ConfirmPackets (5) whole packets. A short non-TS file (188..939 bytes) with a 'G' (0x47) near its start
    // is therefore taken for TS and refused for lacking PCRs ("no two PCRs on one PID in its first 0 MiB"), which
    // sends the user looking for a PCR problem in a file that is not a transport stream at all.
    [Fact]
    public void Short_text_file_starting_with_G_is_not_mpeg_ts()
    {
        string path = Write("request.ts", System.Text.Encoding.ASCII.GetBytes(
            "GET /live/stream.ts HTTP/1.1\r\nHost: camera.local\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n" +
            "Connection: keep-alive\r\nCache-Control: no-cache\r\nPragma: no-cache\r\nRange: bytes=0-\r\n" +
            "X-Request-Id: 6b0f3c52-2d0e-4a1e-9d4f-0c1e5c7a9b11\r\n\r\n"));

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not an MPEG-TS file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ts_file_without_pcr_is_refused_naming_the_file_and_pcr()
    {
        string path = Write("no-pcr.ts", TsBytes.WithoutPcr(dataPackets: 2000));

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("PCR", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not an MPEG-TS", error.Message, StringComparison.Ordinal); // it is TS; the PCR is what is missing
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    // Guards a fixed defect: the no-PCR message (src/Ingest/FileTsSource.cs, `in its first {length >> 20} MiB`) rounds the bytes searched
    // down to whole MiB, so for any file under 1 MiB it claims to have looked at "its first 0 MiB".
    [Fact]
    public void No_pcr_message_does_not_claim_zero_bytes_were_searched()
    {
        string path = Write("small-no-pcr.ts", TsBytes.WithoutPcr(dataPackets: 2000)); // 376 kB

        var error = Refused(path);

        Assert.DoesNotContain("first 0 MiB", error.Message, StringComparison.Ordinal);
    }

    // Guards a fixed defect: PcrPacer.TryProbe (src/Ingest/PcrPacer.cs), called from FileTsSource's constructor, walks the probe window
    // in fixed 188-byte steps from the first packet and never re-aligns. One sync loss (a few stray bytes) between the
    // first and second PCR misaligns every later packet, no second PCR is found, and the file is refused as having
    // "no two PCRs" – although FileTsSource.Run itself resynchronises after exactly such a loss (Resync) and would
    // send the file fine. (Garbage_inside_the_file_is_skipped_and_counted shows Run coping when the loss comes later.)
    [Fact]
    public void Sync_loss_before_the_second_pcr_does_not_hide_the_pcrs()
    {
        byte[] pattern = TsBytes.TestPattern(datagrams: 200); // PCRs at packets 2, 280, 560, …
        int cut = 100 * TsPacket.Size;
        string path = Write("glitch.ts", [.. pattern.AsSpan(0, cut), .. new byte[50], .. pattern.AsSpan(cut)]);

        using var source = new FileTsSource(path, loop: false, NullLogger.Instance);

        Assert.Equal(path, source.Name);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        string path = Path.Combine(_directory, "no-such-recording.ts");

        var error = Refused(path);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
    }

    [Fact]
    public void Directory_is_named()
    {
        var error = Refused(_directory);

        Assert.Contains(_directory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ts_with_pcr_after_a_garbage_prefix_is_accepted()
    {
        byte[] garbage = new byte[100];
        string path = Write("prefixed.ts", [.. garbage, .. TsBytes.TestPattern(datagrams: 200)]);

        using var source = new FileTsSource(path, loop: false, NullLogger.Instance);

        Assert.Equal(path, source.Name);
        Assert.True(source.IsFinite);
        using var looping = new FileTsSource(path, loop: true, NullLogger.Instance);
        Assert.False(looping.IsFinite);
    }
}

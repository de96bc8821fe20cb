using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Ristbond.EndToEnd.Tests.Harness;

namespace Ristbond.EndToEnd.Tests;

/// <summary>
/// `ristbond bench adapt` as an engineer runs it: one shipped scenario end to end (LinkEmulator links, ristbond and
/// librist's ristsender side by side, real ristreceivers). The benchmark's timing figures are for the README, not
/// asserted here; what must hold on any machine is that it runs both sides, writes its report, plot and control
/// trace, and that the adaptive sender loses less than the static baseline when a link goes dark.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchAdaptTests
{
    [Fact]
    public void The_blackout_scenario_reports_both_senders_with_plot_and_control_trace()
    {
        string output = Directory.CreateTempSubdirectory("ristbond-bench-adapt-").FullName;
        try
        {
            using var bench = new ChildProcess(RistbondProcess.BinaryPath, ["bench", "adapt", "--scenario", "blackout", "--out", output], LibristTools.ChildEnvironment);
            Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(120)), "bench adapt did not finish in 120 s\n" + bench.Transcript());
            Assert.True(bench.ExitCode == 0, bench.Transcript());

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "blackout.json")));
            JsonElement root = report.RootElement;
            Assert.Equal(JsonValueKind.Null, root.GetProperty("broken").ValueKind);
            foreach (string side in (string[])["ristbond", "baseline"])
            {
                JsonElement result = root.GetProperty(side);
                Assert.True(result.GetProperty("delivered_bytes").GetInt64() > 10_000_000, $"{side} delivered only {result.GetProperty("delivered_bytes")} bytes");
            }
            // ristbond stops by itself at the end of the scenario (--duration); ristsender has to be killed.
            Assert.Equal(0, root.GetProperty("ristbond").GetProperty("sender_exit_code").GetInt32());
            long ours = Metric(root, "unrecovered", "ristbond");
            long baseline = Metric(root, "unrecovered", "baseline");
            Assert.True(ours < baseline, $"unrecovered: ristbond {ours}, baseline {baseline}");
            Assert.Equal(JsonValueKind.Number, root.GetProperty("metrics").EnumerateArray()
                .First(m => m.GetProperty("name").GetString() == "out_of_rotation_s").GetProperty("ristbond").ValueKind);

            XDocument plot = XDocument.Load(Path.Combine(output, "blackout.svg"));
            string[] texts = [.. plot.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)];
            Assert.Contains("ristbond bench adapt: blackout", texts);
            Assert.All((string[])["a", "b", "c"], link => Assert.Contains(link, texts));
            Assert.True(plot.Descendants().Count(e => e.Name.LocalName == "polyline") >= 9, "fewer series than 3 links × 3 panels");

            // The control trace says why: link a (dark from 15 s) is found dead, and comes back after 25 s.
            string[] rows = File.ReadAllLines(Path.Combine(output, "blackout-control.csv"));
            string[] header = rows[0].Split(',');
            int time = Array.IndexOf(header, "t_s"), link = Array.IndexOf(header, "link"), state = Array.IndexOf(header, "state");
            var states = rows.Skip(1).Select(r => r.Split(',')).Where(f => f[link] == "a")
                .Select(f => (T: double.Parse(f[time], CultureInfo.InvariantCulture), State: f[state])).ToList();
            double died = states.First(s => s.State == "Dead").T;
            Assert.InRange(died, 15, 20);
            Assert.Contains(states, s => s.T > 25 && s.State is "Probing" or "Live");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>
    /// The kernel back-end with video, as CI can run it (root, network namespaces): the 15 s tbf step over three
    /// veth links shaped by tbf, ristbond encoding the pattern and the baseline playing it at its fixed bitrate.
    /// What must hold: the report is written, both sides delivered video, what reached ristbond's receiver decodes
    /// in ffmpeg without an error, ristbond lost no more than the baseline, and nothing of the kernel links is left. The issue's timing goals are the report's figures, not asserted.
    /// </summary>
    [Fact]
    public void The_kernel_links_carry_video_that_decodes_and_leave_nothing_behind()
    {
        string output = Directory.CreateTempSubdirectory("ristbond-bench-kernel-").FullName;
        try
        {
            using var bench = new ChildProcess(RistbondProcess.BinaryPath,
                ["bench", "adapt", "--scenario", "tbf-step-short", "--links", "kernel", "--input", "pattern", "--out", output]);
            Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(300)), "bench adapt did not finish in 300 s\n" + bench.Transcript());
            Assert.True(bench.ExitCode == 0, bench.Transcript());

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "tbf-step-short-kernel-pattern.json")));
            JsonElement root = report.RootElement;
            Assert.Equal(JsonValueKind.Null, root.GetProperty("broken").ValueKind);
            Assert.Equal(("kernel", "pattern"), (root.GetProperty("links").GetString(), root.GetProperty("input").GetString()));
            foreach (string side in (string[])["ristbond", "baseline"])
            {
                JsonElement result = root.GetProperty(side);
                Assert.True(result.GetProperty("delivered_bytes").GetInt64() > 2_000_000, $"{side} delivered only {result.GetProperty("delivered_bytes")} bytes");
                Assert.True(result.GetProperty("video").GetProperty("frames").GetInt64() > 100, $"{side}: {result.GetProperty("video")}");
            }
            JsonElement decode = root.GetProperty("ristbond").GetProperty("decode");
            Assert.True(decode.GetProperty("errors").GetInt32() == 0, $"ffmpeg: {decode}");
            // The recording starts at the first keyframe delivered: should the stream's very first frame be lost at
            // start-up (seen once: the bench's own goal line reports it), the frames up to the next keyframe are not
            // in it, which is why this asks for most frames rather than all.
            long delivered = root.GetProperty("ristbond").GetProperty("video").GetProperty("frames").GetInt64();
            Assert.InRange(decode.GetProperty("frames_decoded").GetInt64(), delivered * 9 / 10, delivered);
            long ours = Metric(root, "unrecovered", "ristbond"), baseline = Metric(root, "unrecovered", "baseline");
            Assert.True(ours <= baseline, $"unrecovered: ristbond {ours}, baseline {baseline}");

            string[] namespaces = Directory.Exists("/var/run/netns") ? Directory.GetFileSystemEntries("/var/run/netns") : [];
            Assert.DoesNotContain(namespaces, n => Path.GetFileName(n).StartsWith($"rbbench-{bench.Id}-", StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.GetDirectories("/sys/class/net"), d => Path.GetFileName(d).StartsWith($"rb{bench.Id:x6}", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    static long Metric(JsonElement root, string name, string side) =>
        root.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("name").GetString() == name).GetProperty(side).GetInt64();
}

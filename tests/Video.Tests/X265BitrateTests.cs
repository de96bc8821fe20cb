using System.Diagnostics;
using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// Live bitrate changes: 2 s at one rate, SetBitrate from another thread, 2 s at the other. The bytes must follow
/// from the next frame with no IDR (with intra refresh and with periodic IDRs), and the test reports how many frames
/// that took and what the change cost the frame thread.
/// </summary>
public sealed class X265BitrateTests
{
    const int FramesPerSecond = 30;
    const long High = 2_000_000;
    const long Low = 300_000;

    [Theory]
    [InlineData(High, Low, true)]
    [InlineData(Low, High, true)]
    [InlineData(High, Low, false)]
    [InlineData(Low, High, false)]
    public void Output_follows_a_live_bitrate_change_from_the_next_frame_without_a_keyframe(long from, long to, bool intraRefresh)
    {
        var format = new VideoFormat(320, 240, PixelFormat.I420, FramesPerSecond);
        // A 10 s keyframe interval: no scheduled IDR falls in the test, so none can carry the change.
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = from, IntraRefresh = intraRefresh, KeyframeIntervalSeconds = 10 });
        int changeAt = 2 * FramesPerSecond;
        long changeTicks = 0;
        List<EncodedFrame> frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format, noiseFraction: 0.25), 4 * FramesPerSecond, i =>
        {
            if (i == changeAt)
                Task.Run(() => encoder.SetBitrate(to)).Wait(TestContext.Current.CancellationToken);
            if (i == changeAt + 1)
                changeTicks = Stopwatch.GetTimestamp();
        });

        int[] sizes = [.. frames.Select(f => f.Data.Length)];
        // The first second settles the VBV from its initial fill; compare the second seconds of each half.
        double before = BitsPerSecond(sizes, FramesPerSecond, 2 * FramesPerSecond);
        double after = BitsPerSecond(sizes, 3 * FramesPerSecond, 4 * FramesPerSecond);
        int settle = FramesUntilFollowing(sizes, changeAt, to);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"x265 {X265Library.Version}, intra refresh {intraRefresh}: {before / 1000:F0} kbit/s asked {from / 1000}, then {after / 1000:F0} kbit/s asked {to / 1000}; " +
            $"a 10-frame window within 25% of the new rate {settle} frames after the request");
        TestContext.Current.TestOutputHelper?.WriteLine("bytes per frame around the change: " + string.Join(' ', sizes[(changeAt - 3)..(changeAt + 15)]));

        Assert.InRange(before, from * 0.6, from * 1.2);
        Assert.InRange(after, to * 0.6, to * 1.2);
        // A drop lands within a few frames; a rise ramps up over x265's ABR history (about 10 frames).
        Assert.InRange(settle, 0, FramesPerSecond / 2);
        Assert.Equal([0], frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyframe).Select(x => x.i));
        Assert.Equal(to, encoder.AppliedBitrate);
        Assert.Equal(1, encoder.BitrateChanges);
    }

    [Fact]
    public void A_change_costs_the_frame_thread_no_more_than_a_normal_frame_and_allocates_nothing()
    {
        var format = new VideoFormat(320, 240, PixelFormat.I420, FramesPerSecond);
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = High });
        var source = new TestPatternSource(format);
        var normal = new List<double>();
        var changed = new List<double>();
        long allocated = 0;
        for (int i = 0; i < 120; i++)
        {
            bool change = i >= 30 && i % 10 == 0;
            if (change)
                encoder.SetBitrate(i % 20 == 0 ? Low : High);
            ReadOnlySpan<byte> raw = source.Render(i, TimeSpan.Zero);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            encoder.Encode(raw, i, out _);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 30)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                (change ? changed : normal).Add(ms);
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"encode call with a bitrate change {Median(changed):F2} ms median, {changed.Max():F2} ms max; without {Median(normal):F2} ms median, {normal.Max():F2} ms max");

        Assert.Equal(8, encoder.BitrateChanges); // frames 40..110, every 10th, alternating low and high
        Assert.Equal(0, allocated);
        // A reopen cost 50-400 ms here; a reconfigure is a parameter copy. Generous for a shared machine.
        Assert.True(Median(changed) < Median(normal) + 5, $"a change costs {Median(changed):F1} ms against {Median(normal):F1} ms");
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static double BitsPerSecond(int[] sizes, int from, int to) =>
        sizes[from..to].Sum(s => (long)s) * 8.0 * FramesPerSecond / (to - from);

    /// <summary>Frames after the change until a 10-frame window's rate is within 25% of the target.</summary>
    static int FramesUntilFollowing(int[] sizes, int changeAt, long target)
    {
        const int window = 10;
        for (int start = changeAt; start + window <= sizes.Length; start++)
        {
            double rate = BitsPerSecond(sizes, start, start + window);
            if (rate >= target * 0.75 && rate <= target * 1.25)
                return start - changeAt;
        }
        return int.MaxValue;
    }
}

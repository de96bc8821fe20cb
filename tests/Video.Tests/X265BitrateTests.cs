using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// A live bitrate drop: 2 s at 2 Mbit/s, then SetBitrate(300 kbit/s) from another thread, then 2 s more. The
/// bytes the encoder produced must follow, and the test reports how many frames that took.
/// </summary>
public sealed class X265BitrateTests
{
    const int FramesPerSecond = 30;
    const long High = 2_000_000;
    const long Low = 300_000;

    [Fact]
    public void Output_follows_a_live_bitrate_drop()
    {
        var format = new VideoFormat(320, 240, PixelFormat.I420, FramesPerSecond);
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = High });
        int changeAt = 2 * FramesPerSecond;
        List<EncodedFrame> frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format, noiseFraction: 0.25), 4 * FramesPerSecond, i =>
        {
            if (i == changeAt)
                Task.Run(() => encoder.SetBitrate(Low)).Wait(TestContext.Current.CancellationToken);
            // Frames come faster than real time here: let the replacement land so the next frame swaps it in.
            if (i == changeAt + 1)
                WaitForReopen(encoder);
        });

        int[] sizes = [.. frames.Select(f => f.Data.Length)];
        // The first second settles the VBV from its initial fill; compare the second seconds of each half.
        double highRate = BitsPerSecond(sizes, FramesPerSecond, 2 * FramesPerSecond);
        double lowRate = BitsPerSecond(sizes, 3 * FramesPerSecond, 4 * FramesPerSecond);
        int settle = FramesUntilFollowing(sizes, changeAt, Low);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"x265 {X265Library.Version}: {highRate / 1000:F0} kbit/s asked {High / 1000}, then {lowRate / 1000:F0} kbit/s asked {Low / 1000}; " +
            $"ratio {lowRate / highRate:F2}; within 25% of the new rate over the following 10 frames after {settle} frames");
        TestContext.Current.TestOutputHelper?.WriteLine("bytes per frame around the change: " + string.Join(' ', sizes[(changeAt - 3)..(changeAt + 15)]));

        Assert.InRange(highRate, High * 0.7, High * 1.15);
        Assert.InRange(lowRate, Low * 0.5, Low * 1.2);
        Assert.True(lowRate / highRate < 0.25, $"second half {lowRate:F0} bit/s is not well under the first {highRate:F0} bit/s");
        Assert.InRange(settle, 0, FramesPerSecond / 2);
        Assert.Equal(Low, encoder.TargetBitrate);
    }

    internal static void WaitForReopen(X265Encoder encoder) =>
        Assert.True(SpinWait.SpinUntil(() => !encoder.IsReopening, TimeSpan.FromSeconds(30)), "x265 did not reopen within 30 s");

    static double BitsPerSecond(int[] sizes, int from, int to) =>
        sizes[from..to].Sum(s => (long)s) * 8.0 * FramesPerSecond / (to - from);

    /// <summary>Frames after the change until a 10-frame window's rate is within 25% of the target.</summary>
    static int FramesUntilFollowing(int[] sizes, int changeAt, long target)
    {
        const int window = 10;
        for (int start = changeAt; start + window <= sizes.Length; start++)
        {
            if (BitsPerSecond(sizes, start, start + window) <= target * 1.25)
                return start - changeAt;
        }
        return int.MaxValue;
    }
}

/// <summary>A rise costs no extra IDR: it waits for the keyframe that is due anyway.</summary>
public sealed class X265BitrateRiseTests
{
    [Fact]
    public void A_rise_is_applied_at_the_next_scheduled_keyframe_without_an_extra_idr()
    {
        var format = new VideoFormat(320, 240, PixelFormat.I420, 30);
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = 300_000, KeyframeIntervalSeconds = 1 });
        List<EncodedFrame> frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format, noiseFraction: 0.25), 90, i =>
        {
            if (i == 40)
                encoder.SetBitrate(2_000_000);
            if (i == 41)
                X265BitrateTests.WaitForReopen(encoder); // opened now, held until the keyframe due at 60
        });

        int[] keyframes = [.. frames.Select((f, i) => (f, i)).Where(x => x.f.IsKeyframe).Select(x => x.i)];
        Assert.Equal([0, 30, 60], keyframes);
        double before = frames[45..60].Average(f => f.Data.Length);
        double after = frames[75..90].Average(f => f.Data.Length);
        Assert.True(after > 3 * before, $"bytes per frame {before:F0} before the keyframe, {after:F0} after");
    }
}

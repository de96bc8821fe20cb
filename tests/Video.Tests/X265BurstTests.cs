using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// The bursts the links see from x265, at 4 Mbit/s 720p30 on the pattern over 10 s (the first second, the opening
/// IDR and the VBV's first fill, left out): the largest access unit against the mean, the most bits in any window
/// of the latency budget, and the longest queue a pacer sending at the bitrate would hold. IDR every 2 s with
/// the old 500 ms VBV, IDR every 2 s with the VBV at the 200 ms budget, and intra refresh with it. Figures for the
/// README; the asserts hold what the budget promises.
/// </summary>
public sealed class X265BurstTests
{
    const int Fps = 30;
    const int Frames = 10 * Fps;
    const long Bitrate = 4_000_000;
    const int Budget = 200;

    static StreamFigures Measure(bool intraRefresh, int budgetMilliseconds)
    {
        VideoFormat format = TestPatternSource.DefaultFormat;
        using var encoder = new X265Encoder(format, new X265EncoderOptions
        {
            InitialBitrate = Bitrate,
            IntraRefresh = intraRefresh,
            LatencyBudgetMilliseconds = budgetMilliseconds,
        });
        List<EncodedFrame> frames = EncodedFrame.EncodePattern(encoder, new TestPatternSource(format), Frames);
        return StreamFigures.Of([.. frames.Skip(Fps).Select(f => f.Data.Length)], Fps, Bitrate, Budget);
    }

    [Fact]
    public void Intra_refresh_with_the_vbv_at_the_budget_keeps_every_burst_within_the_budget()
    {
        StreamFigures before = Measure(intraRefresh: false, budgetMilliseconds: 500);
        StreamFigures idr = Measure(intraRefresh: false, budgetMilliseconds: Budget);
        StreamFigures refresh = Measure(intraRefresh: true, budgetMilliseconds: Budget);
        TestContext.Current.TestOutputHelper?.WriteLine($"x265 {X265Library.Version}, 720p30 pattern at {Bitrate / 1000} kbit/s, frames {Fps}..{Frames}:");
        TestContext.Current.TestOutputHelper?.WriteLine($"  IDR every 2 s, VBV 500 ms:  {before.Describe(Bitrate, Budget)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"  IDR every 2 s, VBV {Budget} ms:  {idr.Describe(Bitrate, Budget)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"  intra refresh, VBV {Budget} ms: {refresh.Describe(Bitrate, Budget)}");

        long budgetBits = Bitrate * Budget / 1000;
        Assert.True(refresh.PeakOverMean < idr.PeakOverMean, "intra refresh is no smoother than IDRs");
        Assert.True(refresh.LargestBytes * 8L <= budgetBits, $"an access unit of {refresh.LargestBytes * 8} bits does not fit the {budgetBits}-bit budget");
        Assert.True(idr.LargestBytes * 8L <= budgetBits, $"an IDR of {idr.LargestBytes * 8} bits does not fit the {budgetBits}-bit budget");
        Assert.True(refresh.LongestQueueMs <= Budget * 1.1, $"a pacer at the bitrate would hold {refresh.LongestQueueMs:F0} ms");
    }
}

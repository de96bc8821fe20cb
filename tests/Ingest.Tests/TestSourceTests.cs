using Ristbond.Ingest.Tests.Harness;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest.Tests;

/// <summary>The test source sends at the bit rate it is set to, follows a change at once, and its stream checks clean.</summary>
[Collection(RealtimeCollection.Name)]
public sealed class TestSourceTests
{
    /// <summary>Bits per second delivered by the datagrams that arrived between two times.</summary>
    static double RateBetween(List<(long Nanos, byte[] Datagram)> datagrams, long fromNanos, long toNanos)
    {
        var window = datagrams.Where(d => d.Nanos >= fromNanos && d.Nanos < toNanos).ToList();
        Assert.True(window.Count > 10, $"only {window.Count} datagrams between the two times");
        // n datagrams arriving over (last - first) means n - 1 datagram intervals.
        return (window.Count - 1) * TsPacket.DatagramSize * 8.0 / ((window[^1].Nanos - window[0].Nanos) / 1e9);
    }

    [Fact]
    public void Two_megabits_for_two_seconds_is_two_megabits() => Starvation.Measure(sink =>
    {
        using var source = new TestSource(2_000_000);
        using var run = new SourceRun(source, sink);

        Thread.Sleep(TimeSpan.FromSeconds(2));
        run.Cancel();
        Assert.True(run.Join(TimeSpan.FromSeconds(1)), "the test source did not stop within 1 s of being cancelled");

        Assert.Null(run.Error);
        var datagrams = sink.Datagrams;
        Assert.All(datagrams, d => Assert.Equal(TsPacket.DatagramSize, d.Datagram.Length));
        double rate = RateBetween(datagrams, run.StartedNanos, run.EndedNanos);
        // From the start of Run to the last datagram: no burst at the start either.
        double overall = datagrams.Count * TsPacket.DatagramSize * 8.0 / ((datagrams[^1].Nanos - run.StartedNanos) / 1e9);
        TestContext.Current.TestOutputHelper?.WriteLine($"delivered {rate:F0} bps between first and last datagram, {overall:F0} bps from the start");
        Assert.InRange(rate, 1_900_000, 2_100_000);
        Assert.InRange(overall, 1_900_000, 2_100_000);
        Assert.Equal(datagrams.Count * TsPacket.DatagramSize, source.Bytes);

        var verifier = new TestPatternVerifier();
        foreach (var (nanos, datagram) in datagrams)
            verifier.Push(datagram, nanos);
        Assert.True(verifier.DataPackets > 0);
        Assert.True(verifier.Missing + verifier.Corrupt + verifier.OutOfOrder + verifier.ContinuityErrors + verifier.SyncErrors == 0, verifier.ToString());
    });

    [Fact]
    public void Changing_the_bit_rate_mid_run_changes_the_delivered_rate() => Starvation.Measure(sink =>
    {
        using var source = new TestSource(2_000_000);
        using var run = new SourceRun(source, sink);

        Thread.Sleep(TimeSpan.FromSeconds(1.2));
        long changed = MonotonicClock.NowNanos;
        source.BitrateBps = 4_000_000;
        Thread.Sleep(TimeSpan.FromSeconds(1.2));
        run.Cancel();
        Assert.True(run.Join(TimeSpan.FromSeconds(1)));

        Assert.Null(run.Error);
        Assert.Equal(4_000_000, source.BitrateBps);
        var datagrams = sink.Datagrams;
        double before = RateBetween(datagrams, run.StartedNanos + 100_000_000, changed);
        double after = RateBetween(datagrams, changed + 100_000_000, run.EndedNanos);
        TestContext.Current.TestOutputHelper?.WriteLine($"delivered {before:F0} bps before the change, {after:F0} bps after");
        Assert.InRange(before, 1_900_000, 2_100_000);
        Assert.InRange(after, 3_800_000, 4_200_000);
    });

    [Theory]
    [InlineData(0L)]
    [InlineData(99_999L)]
    [InlineData(1_000_000_001L)]
    [InlineData(-2_000_000L)]
    public void Bit_rate_out_of_range_is_refused(long bitrate)
    {
        var error = Assert.Throws<RistbondException>(() => new TestSource(bitrate).Dispose());

        Assert.Contains("testsrc", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 kbps..1 Gbps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bit_rate_change_out_of_range_is_refused_and_the_old_rate_kept()
    {
        using var source = new TestSource(2_000_000);

        Assert.Throws<RistbondException>(() => source.BitrateBps = 5_000_000_000);
        Assert.Throws<RistbondException>(() => source.BitrateBps = 10);

        Assert.Equal(2_000_000, source.BitrateBps);
    }

    [Fact]
    public void Range_limits_themselves_are_accepted()
    {
        using var slow = new TestSource(TestSource.MinBitrateBps);
        using var fast = new TestSource(TestSource.MaxBitrateBps);
        Assert.Equal(TestSource.MinBitrateBps, slow.BitrateBps);
        Assert.Equal(TestSource.MaxBitrateBps, fast.BitrateBps);
    }
}

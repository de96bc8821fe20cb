using System.Net;

namespace Ristbond.Web.Tests;

/// <summary>
/// The status server's refusal log limits, on simulated time: a manual <see cref="TimeProvider"/> (our own, as no
/// real clock can be stepped) moves forward exactly as each test says.
/// </summary>
public sealed class RefusalLogLimiterTests
{
    sealed class ManualClock : TimeProvider
    {
        long _ticks = TimeSpan.TicksPerDay;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    static readonly IPAddress s_scanner = IPAddress.Parse("192.168.1.66");
    static readonly IPAddress s_phone = IPAddress.Parse("192.168.1.23");
    readonly ManualClock _clock = new();

    [Fact]
    public void The_first_refusal_is_said_at_once_the_rest_in_one_summary_a_minute_later()
    {
        var limiter = new RefusalLogLimiter(_clock);
        Assert.Equal(new RefusalLine(s_scanner, 0), limiter.Refused(s_scanner));
        for (int i = 0; i < 99; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Null(limiter.Refused(s_scanner));
        }
        _clock.Advance(TimeSpan.FromSeconds(40)); // 49.9 s after the first line
        Assert.Empty(limiter.Sweep());

        _clock.Advance(TimeSpan.FromSeconds(10.1));
        RefusalLine summary = Assert.Single(limiter.Sweep());
        Assert.Equal(new RefusalLine(s_scanner, 99), summary);
        Assert.Equal("status: 99 more refused requests from 192.168.1.66 in the last 60 s", summary.Summary(RefusalLogLimiter.Interval));
        Assert.Empty(limiter.Sweep());
    }

    [Fact]
    public void A_steady_scanner_gets_at_most_one_line_a_minute()
    {
        var limiter = new RefusalLogLimiter(_clock);
        var lines = new List<(TimeSpan At, RefusalLine Line)>();
        TimeSpan now = TimeSpan.Zero;
        // Two requests a second for ten minutes, with a sweep every 10 s as the server does.
        for (int tick = 0; tick < 1200; tick++)
        {
            if (limiter.Refused(s_scanner) is RefusalLine line)
                lines.Add((now, line));
            if (tick % 20 == 0)
                lines.AddRange(limiter.Sweep().Select(l => (now, l)));
            _clock.Advance(TimeSpan.FromMilliseconds(500));
            now += TimeSpan.FromMilliseconds(500);
        }
        Assert.InRange(lines.Count, 10, 11);
        for (int i = 1; i < lines.Count; i++)
            Assert.True(lines[i].At - lines[i - 1].At >= RefusalLogLimiter.Interval, $"lines at {lines[i - 1].At} and {lines[i].At}");
        // Every refusal is accounted for: the first line plus the summaries' counts, less what is still unsaid.
        long said = 1 + lines.Skip(1).Sum(l => l.Line.Count);
        Assert.InRange(said, 1200 - 120, 1200);
    }

    [Fact]
    public void An_address_quiet_for_a_minute_is_forgotten_and_its_next_refusal_is_said_at_once()
    {
        var limiter = new RefusalLogLimiter(_clock);
        Assert.False(limiter.Refused(s_phone)!.Value.IsSummary);
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Empty(limiter.Sweep());
        Assert.Equal(0, limiter.Tracked);
        Assert.Equal(new RefusalLine(s_phone, 0), limiter.Refused(s_phone));

        // Not yet swept: still news after a quiet minute.
        _clock.Advance(TimeSpan.FromSeconds(75));
        Assert.Equal(new RefusalLine(s_phone, 0), limiter.Refused(s_phone));
    }

    [Fact]
    public void Each_address_has_its_own_first_line_and_an_IPv4_mapped_address_is_the_same_address()
    {
        var limiter = new RefusalLogLimiter(_clock);
        Assert.Equal(new RefusalLine(s_scanner, 0), limiter.Refused(s_scanner));
        Assert.Equal(new RefusalLine(s_phone, 0), limiter.Refused(s_phone));
        Assert.Null(limiter.Refused(s_scanner.MapToIPv6()));
        _clock.Advance(RefusalLogLimiter.Interval);
        Assert.Equal(new RefusalLine(s_scanner, 1), Assert.Single(limiter.Sweep()));
    }

    [Fact]
    public void Addresses_beyond_the_cap_are_counted_together_and_memory_stays_bounded()
    {
        var limiter = new RefusalLogLimiter(_clock, maxAddresses: 4);
        var lines = new List<RefusalLine>();
        for (int round = 0; round < 3; round++)
        {
            for (int host = 1; host <= 1000; host++)
            {
                if (limiter.Refused(IPAddress.Parse($"10.0.{host / 256}.{host % 256}")) is RefusalLine line)
                    lines.Add(line);
            }
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(4, limiter.Tracked);
        // Four addresses named once each, and one line for all the others (the first of them, at once).
        Assert.Equal(5, lines.Count);
        Assert.Equal(new RefusalLine(null, 1), lines[4]);

        _clock.Advance(RefusalLogLimiter.Interval);
        IReadOnlyList<RefusalLine> summaries = limiter.Sweep();
        RefusalLine others = Assert.Single(summaries, l => l.Address is null);
        Assert.Equal(3 * 996 - 1, others.Count);
        Assert.Equal("status: 2987 more refused requests from other addresses in the last 60 s (too many addresses to name each)",
            others.Summary(RefusalLogLimiter.Interval));
        Assert.Equal(4, summaries.Count(l => l.Address is not null && l.Count == 2));
    }
}

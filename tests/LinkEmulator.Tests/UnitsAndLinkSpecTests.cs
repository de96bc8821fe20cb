using System.Net;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData("8M", 8_000_000)]
    [InlineData("500k", 500_000)]
    [InlineData("2.5M", 2_500_000)]
    [InlineData("1500000", 1_500_000)]
    [InlineData("1G", 1_000_000_000)]
    [InlineData("8Mbps", 8_000_000)]
    [InlineData(" 64K ", 64_000)]
    [InlineData("0", 0)]
    public void Rates_parse_with_decimal_suffixes(string text, long expected)
    {
        Assert.True(Units.TryParseRate(text, out long bps));
        Assert.Equal(expected, bps);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8X")]
    [InlineData("-1M")]
    [InlineData("M")]
    [InlineData("fast")]
    [InlineData("1e30")]
    public void Bad_rates_are_refused_with_the_culprit_named(string text)
    {
        Assert.False(Units.TryParseRate(text, out _));
        var e = Assert.Throws<RistbondException>(() => Units.ParseRate(text, "--link #1 rate"));
        Assert.StartsWith($"--link #1 rate: \"{text}\" is not a rate", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Theory]
    [InlineData("30ms", 30)]
    [InlineData("30", 30)]
    [InlineData("1.5s", 1500)]
    [InlineData("250us", 0.25)]
    [InlineData("0", 0)]
    public void Durations_parse_to_milliseconds(string text, double expected)
    {
        Assert.True(Units.TryParseDurationMs(text, out double ms));
        Assert.Equal(expected, ms, 9);
    }

    [Theory]
    [InlineData("30 minutes")]
    [InlineData("-5ms")]
    [InlineData("ms")]
    [InlineData("5h")]
    public void Bad_durations_are_refused(string text)
    {
        var e = Assert.Throws<RistbondException>(() => Units.ParseDurationMs(text, "delay"));
        Assert.Contains($"\"{text}\" is not a duration", e.Message);
    }

    [Theory]
    [InlineData("1%", 0.01)]
    [InlineData("0.05", 0.05)]
    [InlineData("100%", 1)]
    public void Probabilities_accept_fractions_and_percentages(string text, double expected)
    {
        Assert.Equal(expected, Units.ParseProbability(text, "loss"), 12);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("150%")]
    [InlineData("-1%")]
    [InlineData("often")]
    public void Bad_probabilities_are_refused(string text) =>
        Assert.Throws<RistbondException>(() => Units.ParseProbability(text, "loss"));

    [Theory]
    [InlineData("127.0.0.1:7001", "127.0.0.1:7001")]
    [InlineData("localhost:0", "127.0.0.1:0")]
    [InlineData("[::1]:6000", "[::1]:6000")]
    public void Endpoints_need_an_address_and_a_port(string text, string expected) =>
        Assert.Equal(IPEndPoint.Parse(expected), Units.ParseEndPoint(text, "listen"));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("example.com:80")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1")]
    public void Bad_endpoints_are_refused(string text)
    {
        var e = Assert.Throws<RistbondException>(() => Units.ParseEndPoint(text, "listen"));
        Assert.StartsWith($"listen: \"{text}\" is not an endpoint", e.Message);
    }

    [Theory]
    [InlineData(0, "unlimited")]
    [InlineData(2_500_000, "2.5M")]
    [InlineData(500_000, "500k")]
    public void Rates_format_as_people_write_them(long bps, string expected) => Assert.Equal(expected, Units.FormatRate(bps));
}

public sealed class LinkSpecTests
{
    [Fact]
    public void A_full_spec_sets_both_directions()
    {
        LinkConfig link = LinkSpec.Parse(
            "name=a,listen=127.0.0.1:7001,target=127.0.0.1:6000,rate=4M,delay=30ms,jitter=5ms,loss=1%,ge=1%/20%,down-delay=40ms,down-loss=0.5%",
            "--link #1");
        Assert.Equal("a", link.Name);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:7001"), link.Listen);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:6000"), link.Target);
        Assert.Equal(new DirectionProfile { RateBps = 4_000_000, DelayMs = 30, JitterMs = 5, Loss = 0.01, Burst = new GilbertElliott(0.01, 0.2) }, link.Up);
        Assert.Equal(new DirectionProfile { DelayMs = 40, Loss = 0.005 }, link.Down);
    }

    [Fact]
    public void Queue_limits_are_a_duration_or_bytes()
    {
        Assert.Equal(100, LinkSpec.Parse("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,rate=1M,queue=100ms", "l").Up.QueueMs);
        LinkConfig bytes = LinkSpec.Parse("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,rate=1M,queue-bytes=30000", "l");
        Assert.Equal(30_000, bytes.Up.QueueLimitBytes);
    }

    [Theory]
    [InlineData("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,rate=8X", "--link #2 rate: \"8X\" is not a rate")]
    [InlineData("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,lose=1%", "--link #2: unknown key \"lose\"")]
    [InlineData("name=a,listen=127.0.0.1:0", "--link #2 (a): missing target=")]
    [InlineData("listen=127.0.0.1:0,target=127.0.0.1:1", "--link #2: missing name=")]
    [InlineData("name=a b,listen=127.0.0.1:0,target=127.0.0.1:1", "--link #2 name: \"a b\" is not a link name")]
    [InlineData("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,down-jitter=x", "--link #2 down-jitter: \"x\" is not a duration")]
    [InlineData("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,ge=0.5", "--link #2 ge: \"0.5\" is not a Gilbert-Elliott model")]
    [InlineData("name=a,listen=127.0.0.1:0,target=127.0.0.1:1,rate", "--link #2: \"rate\" is not key=value")]
    public void Errors_name_the_link_and_the_key(string spec, string expectedStart)
    {
        var e = Assert.Throws<RistbondException>(() => LinkSpec.Parse(spec, "--link #2"));
        Assert.StartsWith(expectedStart, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}

using System.Net;
using System.Buffers;
using System.Text.Json;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator.Tests;

/// <summary>The link and runner facades without traffic: checks, faults, JSON face. No timing, so they run in parallel.</summary>
public sealed class LinkFacadeTests
{
    static readonly IPEndPoint AnyLoopback = new(IPAddress.Loopback, 0);
    static readonly IPEndPoint Target = new(IPAddress.Loopback, 9);

    [Fact]
    public void Bad_profiles_are_refused_with_the_link_and_field_named()
    {
        using var link = new EmulatedLink("a", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1);
        var e = Assert.Throws<RistbondException>(() => link.SetDown(new DirectionProfile { Loss = 2 }));
        Assert.Equal("link a down.loss: 2 must be a probability in [0, 1]", e.Message);
        Assert.Throws<RistbondException>(() => new EmulatedLink("b", AnyLoopback, Target, new DirectionProfile { JitterMs = -1 }, DirectionProfile.Unimpaired, 1));
    }

    [Fact]
    public void A_busy_port_is_a_runtime_failure_naming_the_link()
    {
        using var first = new EmulatedLink("a", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1);
        var e = Assert.Throws<RistbondException>(() =>
            new EmulatedLink("b", first.ListenEndPoint, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1));
        Assert.StartsWith($"Could not listen for link b on {first.ListenEndPoint}:", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
    }

    [Fact]
    public void Each_link_gets_its_own_outbound_port()
    {
        using var a = new EmulatedLink("a", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1);
        using var b = new EmulatedLink("b", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1);
        Assert.NotEqual(0, a.OutboundEndPoint.Port);
        Assert.NotEqual(a.OutboundEndPoint.Port, b.OutboundEndPoint.Port);
        Assert.NotEqual(a.ListenEndPoint.Port, b.ListenEndPoint.Port);
    }

    [Fact]
    public void A_dead_loop_surfaces_as_a_fault_of_the_link_and_the_runner()
    {
        var scenario = new ScenarioFile(1, [new LinkConfig("a", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired)], []);
        using var runner = new ScenarioRunner(scenario);
        runner.Start();
        Assert.Null(runner.Fault);
        runner["a"].ReportFault(Direction.Down, "send", new InvalidOperationException("boom"));
        var fault = Assert.IsType<RistbondException>(runner.Fault);
        Assert.Equal("Link a: the down send loop died: boom", fault.Message);
        Assert.Equal(ExitCodes.InternalError, fault.ExitCode);
    }

    [Fact]
    public void Blackouts_switch_on_and_off_and_expire()
    {
        using var link = new EmulatedLink("a", AnyLoopback, Target, DirectionProfile.Unimpaired, DirectionProfile.Unimpaired, 1);
        Assert.False(link.IsBlackedOutNow);
        link.SetBlackout(true);
        Assert.True(link.IsBlackedOutNow);
        link.SetBlackout(false);
        link.BlackoutFor(TimeSpan.FromMilliseconds(30));
        Assert.True(link.IsBlackedOutNow);
        MonotonicClock.SleepUntil(MonotonicClock.NowNanos + 40_000_000);
        Assert.False(link.IsBlackedOutNow);
    }

    [Fact]
    public void Stats_json_is_one_line_with_every_counter()
    {
        using var link = new EmulatedLink("a", AnyLoopback, Target, new DirectionProfile { RateBps = 4_000_000, DelayMs = 30 }, DirectionProfile.Unimpaired, 1);
        var output = new ArrayBufferWriter<byte>();
        LinkStatsJson.Write(output, 2.5, [link]);
        string line = System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.DoesNotContain('\n', line);
        using JsonDocument doc = JsonDocument.Parse(line);
        Assert.Equal(2.5, doc.RootElement.GetProperty("t").GetDouble());
        JsonElement l = doc.RootElement.GetProperty("links")[0];
        Assert.Equal("a", l.GetProperty("name").GetString());
        Assert.Equal(link.ListenEndPoint.ToString(), l.GetProperty("listen").GetString());
        Assert.Equal(4_000_000, l.GetProperty("up").GetProperty("rate_bps").GetInt64());
        foreach (string field in new[] { "packets_in", "bytes_in", "packets_forwarded", "bytes_forwarded", "packets_lost",
                     "packets_dropped_queue", "packets_dropped_blackout", "packets_dropped_other", "queue_delay_ms" })
        {
            Assert.Equal(0, l.GetProperty("down").GetProperty(field).GetDouble());
        }
    }
}

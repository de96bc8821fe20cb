using System.Text;

namespace Ristbond.Web.Tests;

public sealed class EventStreamTests
{
    static StatusSnapshot Report(double t, string links, string events = "") =>
        StatusSnapshot.Parse(Encoding.UTF8.GetBytes($$"""{"t":{{t}},"links":[{{links}}]{{events}}}"""));

    [Fact]
    public void A_report_becomes_a_stats_frame_then_its_events_then_the_links_that_came_and_went()
    {
        StatusSnapshot before = Report(1, """{"name":"a"},{"name":"b"}""");
        StatusSnapshot now = Report(2, """{"name":"b"},{"name":"c"}""",
            ""","events":[{"type":"congestion-control","t":1.5,"recommended_bitrate_bps":2000000}]""");

        string text = Encoding.UTF8.GetString(EventStream.Frames(now, before));

        string[] frames = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, frames.Length);
        Assert.Equal("event: stats\ndata: " + Encoding.UTF8.GetString(now.Json), frames[0]);
        Assert.Equal("""event: congestion-control""" + "\n" + """data: {"type":"congestion-control","t":1.5,"recommended_bitrate_bps":2000000}""", frames[1]);
        Assert.Equal("event: link-added\ndata: {\"name\":\"c\",\"t\":2}", frames[2]);
        Assert.Equal("event: link-removed\ndata: {\"name\":\"a\",\"t\":2}", frames[3]);
    }

    [Fact]
    public void An_event_type_that_could_break_the_stream_is_left_out()
    {
        StatusSnapshot now = Report(2, "", ""","events":[{"type":"x\ndata: injected"}]""");
        Assert.DoesNotContain("injected", Encoding.UTF8.GetString(EventStream.Frames(now, null)).Split("\n\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_slow_client_loses_its_oldest_blocks_not_the_servers_memory()
    {
        var stream = new EventStream();
        var client = stream.Subscribe()!;
        StatusSnapshot previous = Report(0, "");
        for (int i = 1; i <= 20; i++)
        {
            StatusSnapshot next = Report(i, "");
            stream.Publish(next, previous);
            previous = next;
        }
        Assert.Equal(8, client.Reader.Count);
        Assert.True(client.Reader.TryRead(out byte[]? oldest));
        Assert.Contains("\"t\":13", Encoding.UTF8.GetString(oldest), StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_beyond_the_limit_are_refused()
    {
        var stream = new EventStream();
        for (int i = 0; i < EventStream.MaxClients; i++)
            Assert.NotNull(stream.Subscribe());
        Assert.Null(stream.Subscribe());
    }
}

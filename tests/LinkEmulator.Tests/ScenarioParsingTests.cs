using Ristbond.Platform;

namespace Ristbond.LinkEmulator.Tests;

public sealed class ScenarioParsingTests
{
    const string Good = """
        {
          // comments and trailing commas are allowed in hand-written files
          "seed": 9,
          "links": [
            { "name": "a", "listen": "127.0.0.1:7001", "target": "127.0.0.1:6000",
              "up": { "rate": "4M", "delay_ms": 30, "jitter_ms": 5, "loss": "1%", "queue_ms": 100 },
              "down": { "delay_ms": 30 } },
            { "name": "b", "listen": "127.0.0.1:0", "target": "127.0.0.1:6000",
              "up": { "rate": 2500000, "loss": 0.02, "ge": { "p": 0.01, "r": "20%", "loss_bad": 0.9 }, "queue_bytes": 20000 } },
          ],
          "events": [
            { "at": 5, "link": "b", "blackout": 2 },
            { "at": 1.5, "link": "a", "up": { "rate": "1M", "queue_bytes": 9000, "ge": { "p": 0.1, "r": 0.5 } }, "down": { "delay_ms": 80 } },
            { "at": 9, "link": "b", "up": { "ge": null } },
          ],
        }
        """;

    [Fact]
    public void A_full_scenario_parses_into_the_model()
    {
        ScenarioFile s = Scenario.Parse(Good, "good.json");
        Assert.Equal(9UL, s.Seed);
        Assert.Equal(["a", "b"], s.Links.Select(l => l.Name));
        Assert.Equal(new DirectionProfile { RateBps = 4_000_000, DelayMs = 30, JitterMs = 5, Loss = 0.01, QueueMs = 100 }, s.Links[0].Up);
        Assert.Equal(new DirectionProfile { DelayMs = 30 }, s.Links[0].Down);
        Assert.Equal(new GilbertElliott(0.01, 0.2, 0, 0.9), s.Links[1].Up.Burst);
        Assert.Equal(0, s.Links[1].Listen.Port);
        Assert.Equal([1.5, 5, 9], s.Events.Select(e => e.AtSeconds));         // sorted by time

        DirectionProfile changed = s.Events[0].Up!.ApplyTo(s.Links[0].Up);
        Assert.Equal(1_000_000, changed.RateBps);
        Assert.Equal(9000, changed.QueueLimitBytes);                            // queue_bytes replaces queue_ms
        Assert.Null(changed.QueueMs);
        Assert.Equal(30, changed.DelayMs);                                      // untouched fields stay
        Assert.Equal(80, s.Events[0].Down!.ApplyTo(s.Links[0].Down).DelayMs);
        Assert.Equal(2.0, s.Events[1].BlackoutSeconds);
        Assert.Null(s.Events[2].Up!.ApplyTo(s.Links[1].Up).Burst);              // "ge": null removes the model
    }

    [Theory]
    [InlineData("three-links.json", 3, 2)]
    [InlineData("blackout.json", 2, 4)]
    public void The_shipped_examples_load(string file, int links, int events)
    {
        ScenarioFile s = Scenario.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", file));
        Assert.Equal(links, s.Links.Count);
        Assert.Equal(events, s.Events.Count);
    }

    [Theory]
    [InlineData("\"rate\": \"8X\"", "bad.json: $.links[0].up.rate: \"8X\" is not a rate")]
    [InlineData("\"rate\": -5", "bad.json: $.links[0].up.rate: -5 is not a rate")]
    [InlineData("\"loss\": 1.5", "bad.json: $.links[0].up.loss: 1.5 is not a probability")]
    [InlineData("\"loss\": \"5 percent\"", "bad.json: $.links[0].up.loss: \"5 percent\" is not a probability")]
    [InlineData("\"delay_ms\": \"30ms\"", "bad.json: $.links[0].up.delay_ms (line 2): \"30ms\" is not a time; expected a number of milliseconds")]
    [InlineData("\"delay_ms\": -3", "bad.json: $.links[0].up.delay_ms: -3 must be a finite number of milliseconds ≥ 0")]
    [InlineData("\"dealy_ms\": 30", "bad.json: $.links[0].up (line 2): unknown field \"dealy_ms\"")]
    [InlineData("\"ge\": { \"p\": 0.1 }", "bad.json: $.links[0].up.ge.r: missing")]
    [InlineData("\"ge\": { \"p\": 0.1, \"r\": 0.2, \"k\": 1 }", "bad.json: $.links[0].up.ge.k: is not a field of \"ge\"")]
    [InlineData("\"queue_ms\": 10, \"queue_bytes\": 100", "bad.json: $.links[0].up.queue_ms: and queue_bytes are both set")]
    [InlineData("\"queue_bytes\": 0", "bad.json: $.links[0].up.queue_bytes: 0 must be > 0")]
    public void Profile_errors_name_the_file_the_path_and_the_value(string field, string expectedStart)
    {
        string json = $$"""
            { "links": [ { "name": "a", "listen": "127.0.0.1:7001", "target": "127.0.0.1:6000",
              "up": { {{field}} } } ] }
            """;
        AssertError(json, expectedStart);
    }

    [Theory]
    [InlineData("""{ "links": [] }""", "bad.json: $.links: missing or empty")]
    [InlineData("""{ "seed": -1, "links": [] }""", "bad.json: $.seed (line 1): -1 is not a seed")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1", "target": "127.0.0.1:6000" } ] }""", "bad.json: $.links[0].listen: \"127.0.0.1\" is not an endpoint")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:0" } ] }""", "bad.json: $.links[0].target: \"127.0.0.1:0\" has port 0")]
    [InlineData("""{ "links": [ { "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ] }""", "bad.json: $.links[0].name: missing")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" }, { "name": "a", "listen": "127.0.0.1:3", "target": "127.0.0.1:2" } ] }""", "bad.json: $.links[1].name: \"a\" is used by two links")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ], "events": [ { "at": 1, "link": "z", "blackout": 1 } ] }""", "bad.json: $.events[0].link: \"z\" is not one of the links (a)")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ], "events": [ { "at": 1, "link": "a" } ] }""", "bad.json: $.events[0]: changes nothing")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ], "events": [ { "link": "a", "blackout": 1 } ] }""", "bad.json: $.events[0].at: missing")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ], "events": [ { "at": 1, "link": "a", "up": { "rate": "fast" } } ] }""", "bad.json: $.events[0].up.rate: \"fast\" is not a rate")]
    [InlineData("""{ "links": [ { "name": "a", "listen": "127.0.0.1:1", "target": "127.0.0.1:2" } ], "events": [ { "at": 1, "link": "a", "blackout": -1 } ] }""", "bad.json: $.events[0].blackout: -1 must be")]
    [InlineData("""{ "links": { "name": "a" } }""", "bad.json: $.links (line 1): { \"name\": \"a\" } is not a list; expected an array")]
    [InlineData("""{ "links": [ { "name": "a", } """, "bad.json: $.links[1] (line 1): Expected depth to be zero")]
    public void File_errors_name_the_file_the_path_and_the_value(string json, string expectedStart) => AssertError(json, expectedStart);

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<RistbondException>(() => Scenario.Load("/nonexistent/scenario.json"));
        Assert.StartsWith("Could not read scenario /nonexistent/scenario.json:", e.Message);
    }

    static void AssertError(string json, string expectedStart)
    {
        var e = Assert.Throws<RistbondException>(() => Scenario.Parse(json, "bad.json"));
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
        Assert.StartsWith(expectedStart, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }
}

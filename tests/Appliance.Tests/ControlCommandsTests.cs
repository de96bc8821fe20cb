using Ristbond.Appliance.Control;
using Ristbond.Platform;

namespace Ristbond.Appliance.Tests;

public sealed class ControlCommandsTests
{
    sealed class Target : IControlTarget
    {
        public List<string> Calls { get; } = [];
        public string AddLink(string url) => url.Contains("bad", StringComparison.Ordinal) ? throw new RistbondException($"add '{url}': bad") : Record("add " + url, "lte9");
        public void RemoveLink(string name) => Record("remove " + name, "");
        public void SetBitrate(long bitsPerSecond) => Record($"bitrate {bitsPerSecond}", "");
        public string StatsJson() => "{\"t\":1}";
        public void SetStreaming(bool streaming) => Record(streaming ? "start" : "stop", "");
        string Record(string call, string result)
        {
            Calls.Add(call);
            return result;
        }
    }

    [Theory]
    [InlineData("add rist://h:1?name=lte9", "ok lte9", "add rist://h:1?name=lte9")]
    [InlineData("  remove lte2  ", "ok", "remove lte2")]
    [InlineData("bitrate 6M", "ok", "bitrate 6000000")]
    [InlineData("stats", "{\"t\":1}", null)]
    [InlineData("stop", "ok", "stop")]
    [InlineData(" start ", "ok", "start")]
    public void Commands_reach_the_target(string line, string reply, string? call)
    {
        var target = new Target();
        Assert.Equal(reply, ControlCommands.Execute(line, target));
        Assert.Equal(call is null ? [] : [call], target.Calls);
    }

    [Theory]
    [InlineData("add rist://bad:1", "error: add 'rist://bad:1': bad")]
    [InlineData("bitrate lots", "error: bitrate 'lots' is not a bit rate (e.g. 6M, 2500k)")]
    [InlineData("reboot", "error: unknown command 'reboot' (" + ControlCommands.Help + ")")]
    [InlineData("remove", "error: unknown command 'remove' (" + ControlCommands.Help + ")")]
    [InlineData("stop now", "error: unknown command 'stop now' (" + ControlCommands.Help + ")")]
    public void Mistakes_get_one_error_line(string line, string reply) =>
        Assert.Equal(reply, ControlCommands.Execute(line, new Target()));
}

using Ristbond.Platform;

namespace Ristbond.Appliance.Control;

/// <summary>What the control socket can act on.</summary>
public interface IControlTarget
{
    /// <summary>Adds a link from a rist:// URL; returns its name.</summary>
    string AddLink(string url);
    void RemoveLink(string name);
    /// <summary>Sets the test source's bit rate.</summary>
    void SetBitrate(long bitsPerSecond);
    /// <summary>The latest stats report as one JSON line.</summary>
    string StatsJson();
    /// <summary>False drops the input before librist (links and control loop stay up); true sends it again.</summary>
    void SetStreaming(bool streaming);
}

/// <summary>
/// The control socket's line protocol: one command per line, one reply line per command, "ok …" or "error: …".
/// <code>
/// add rist://host:port?name=lte3   → ok lte3
/// remove lte3                      → ok
/// bitrate 6M                       → ok
/// stats                            → {"t":…}
/// stop                             → ok
/// start                            → ok
/// </code>
/// </summary>
public static class ControlCommands
{
    public const string Help = "commands: add URL | remove NAME | bitrate RATE | stats | stop | start";

    public static string Execute(string line, IControlTarget target)
    {
        string trimmed = line.Trim();
        int space = trimmed.IndexOf(' ');
        string verb = space < 0 ? trimmed : trimmed[..space];
        string argument = space < 0 ? "" : trimmed[(space + 1)..].Trim();
        try
        {
            return verb switch
            {
                "add" when argument.Length > 0 => "ok " + target.AddLink(argument),
                "remove" when argument.Length > 0 => Done(() => target.RemoveLink(argument)),
                "bitrate" when Units.TryParseBitrate(argument, out long bps) => Done(() => target.SetBitrate(bps)),
                "bitrate" => $"error: bitrate '{argument}' is not a bit rate (e.g. 6M, 2500k)",
                "stats" => target.StatsJson(),
                "stop" when argument.Length == 0 => Done(() => target.SetStreaming(false)),
                "start" when argument.Length == 0 => Done(() => target.SetStreaming(true)),
                "help" or "" => "ok " + Help,
                _ => $"error: unknown command '{trimmed}' ({Help})",
            };
        }
        catch (RistbondException e)
        {
            return "error: " + e.Message;
        }
    }

    static string Done(Action action)
    {
        action();
        return "ok";
    }
}

using Ristbond.Appliance.Status;
using Ristbond.Board;
using Ristbond.Board.Logic;
using Ristbond.Bonding;
using Ristbond.Modems;

namespace Ristbond.Appliance.Send;

/// <summary>
/// The seam between <c>ristbond send</c> and the board's LEDs and power lines (src/Board): each stats report, with
/// the modem behind each link and ModemManager's modems, becomes a <see cref="BoardInput"/>. Runs on the control
/// loop's thread once a second; the board's own thread does the rest.
/// </summary>
public static class BoardFeed
{
    /// <summary>Opens the profile's devices: a one-line error naming profile, role and device if one is missing.</summary>
    public static BoardService Open(string profilePath, Microsoft.Extensions.Logging.ILogger log) =>
        BoardService.Open(profilePath, BoardDevices.Kernel, log);

    public static BoardInput From(StatsReport report, Func<string, ModemLink?> modemOf, ModemWatcher? watcher)
    {
        var links = new BoardLink[report.Links.Count];
        for (int i = 0; i < links.Length; i++)
        {
            LinkReport link = report.Links[i];
            links[i] = new BoardLink(link.Name, LinkStateNames.FromWire(link.State), modemOf(link.Name)?.Modem.Path);
        }
        return new BoardInput(links, watcher?.Current.Modems);
    }
}

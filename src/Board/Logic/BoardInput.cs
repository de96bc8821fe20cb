using Ristbond.Bonding;
using Ristbond.Modems;

namespace Ristbond.Board.Logic;

/// <summary>One link as the control loop last reported it, and the ModemManager modem behind it if it is a modem link.</summary>
public sealed record BoardLink(string Name, LinkState State, string? ModemPath);

/// <summary>
/// What the board shows is decided from: the links of the latest stats report and the modems ModemManager reports
/// (null when ristbond runs without <c>--modems</c>: then slots matched by modem show nothing and are never cycled).
/// </summary>
public sealed record BoardInput(IReadOnlyList<BoardLink> Links, IReadOnlyList<ModemSnapshot>? Modems)
{
    /// <summary>Before the first report: nothing is known yet, so no slot is judged (a slot is not failed for lack of news).</summary>
    public static readonly BoardInput Nothing = new([], null);
}

namespace Ristbond.Modems;

/// <summary>A link the modems call for: one per modem whose bearer is connected, bound to the bearer's interface.</summary>
public sealed record DesiredLink(string Name, string Interface, string ModemPath, ModemIdentity Identity, SignalAssessment Signal);

/// <summary>A link that exists now (created earlier from a <see cref="DesiredLink"/>).</summary>
public readonly record struct CurrentLink(string Name, string Interface);

/// <summary>What to change: remove these links (by name) first, then add those.</summary>
public sealed record LinkPlan(IReadOnlyList<string> Remove, IReadOnlyList<DesiredLink> Add)
{
    public bool IsEmpty => Remove.Count == 0 && Add.Count == 0;
}

/// <summary>
/// Modems → links, as pure functions over snapshots. A link is named "modem-&lt;last 4 digits of the IMEI&gt;": the
/// name survives re-plugging, ModemManager restarts and interface renumbering (wwan0 becoming wwan1), and is what
/// the label on the modem shows. A modem without an IMEI is named "modem-&lt;interface&gt;" (still "modem-", so no static
/// link beside the modems can take its name: config check keeps that prefix for them); two modems sharing the last 4
/// digits are told apart by "-&lt;interface&gt;" on the one with the later path.
/// </summary>
public static class ModemLinkReconciler
{
    /// <summary>Every modem's link name starts with this; no other link's may (config check keeps static links off it).</summary>
    public const string LinkPrefix = "modem-";

    /// <summary>The links the modems call for, ordered by name.</summary>
    public static IReadOnlyList<DesiredLink> Desired(IReadOnlyList<ModemSnapshot> modems, long nowNanos, TimeSpan signalStaleAfter)
    {
        var links = new List<DesiredLink>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (ModemSnapshot modem in modems.OrderBy(m => m.Path, StringComparer.Ordinal))
        {
            if (!CarriesTraffic(modem, out string? interfaceName))
                continue;
            string name = LinkPrefix + (modem.Identity.ImeiLast4 ?? interfaceName);
            if (!taken.Add(name))
            {
                name = $"{name}-{interfaceName}";
                taken.Add(name);
            }
            links.Add(new DesiredLink(name, interfaceName, modem.Path, modem.Identity, SignalHealth.Assess(modem, nowNanos, signalStaleAfter)));
        }
        links.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return links;
    }

    /// <summary>
    /// A modem carries traffic when ModemManager reports one of its bearers connected on a named interface and the
    /// modem itself registered or beyond (not FAILED, DISABLED, LOCKED or searching).
    /// </summary>
    public static bool CarriesTraffic(ModemSnapshot modem, out string interfaceName)
    {
        interfaceName = "";
        if (modem.State < ModemState.Registered)
            return false;
        foreach (BearerSnapshot bearer in modem.Bearers)
        {
            if (bearer.Connected && !string.IsNullOrEmpty(bearer.Interface))
            {
                interfaceName = bearer.Interface;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// What turns <paramref name="current"/> into <paramref name="desired"/>. A link whose interface changed is removed
    /// and added again (its socket is bound to the old interface). Signal changes are not a plan: the desired links
    /// carry their <see cref="SignalAssessment"/> for the controller to read.
    /// </summary>
    public static LinkPlan Diff(IReadOnlyList<DesiredLink> desired, IEnumerable<CurrentLink> current)
    {
        var existing = new Dictionary<string, CurrentLink>(StringComparer.Ordinal);
        foreach (CurrentLink link in current)
            existing[link.Name] = link;
        var wanted = new Dictionary<string, DesiredLink>(StringComparer.Ordinal);
        foreach (DesiredLink link in desired)
            wanted[link.Name] = link;

        var remove = new List<string>();
        foreach (CurrentLink link in existing.Values)
        {
            if (!wanted.TryGetValue(link.Name, out DesiredLink? want) || want.Interface != link.Interface)
                remove.Add(link.Name);
        }
        var add = new List<DesiredLink>();
        foreach (DesiredLink link in desired)
        {
            if (!existing.TryGetValue(link.Name, out CurrentLink have) || have.Interface != link.Interface)
                add.Add(link);
        }
        remove.Sort(StringComparer.Ordinal);
        return new LinkPlan(remove, add);
    }
}

using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Ristbond.Modems;
using Ristbond.Platform;
using Ristbond.Rist;

namespace Ristbond.Appliance.Send;

/// <summary>One link made from a modem: what the control loop and the stats stream know about it.</summary>
public sealed record ModemLink(string Name, string Interface, ModemSnapshot Modem, SignalAssessment Signal, ReversePathCheck ReversePath);

/// <summary>
/// <c>ristbond send --modems</c>: keeps one link per modem that carries traffic, built from the receiver URL given as a
/// template (name= and, where librist can, miface= set per modem), while streaming. Links it did not make (static
/// links, links added on the control socket) are left alone. When no modem carries traffic (no system bus, no
/// ModemManager, no modem connected) and there is no other link, it says so once and sends over the template URL
/// itself, through the routing table, until a modem link or another link is live. Runs on its own thread;
/// <see cref="Links"/> is its published view for the control loop.
/// </summary>
public sealed class ModemLinks(ModemWatcher watcher, TimeSpan signalStaleAfter, RistUrl template, RistSender sender, Func<string, bool> isLive, ILogger log)
{
    const string InterfaceParameter = "miface";

    /// <summary>Time for the watcher to enumerate ModemManager's modems and bearers before "no modem" is believed.</summary>
    static readonly long s_startGraceNanos = 3 * MonotonicClock.NanosPerSecond;
    static readonly long s_addRetryNanos = 5 * MonotonicClock.NanosPerSecond;
    static readonly TimeSpan s_wakeEvery = TimeSpan.FromMilliseconds(500);

    readonly Dictionary<string, RistLink> _links = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _interfaces = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> _failedUntil = new(StringComparer.Ordinal);
    /// <summary>The reverse-path filter last seen per interface, so its warning is said once per change, not per pass.</summary>
    readonly Dictionary<string, ReversePathMode> _reversePath = new(StringComparer.Ordinal);
    readonly string _fallbackName = template[RistUrl.NameParameter] ?? "default";
    readonly long _startNanos = MonotonicClock.NowNanos;
    ImmutableDictionary<string, ModemLink> _published = ImmutableDictionary<string, ModemLink>.Empty;
    RistLink? _fallback;

    /// <summary>The modem links there are now, by link name. Any thread.</summary>
    public ImmutableDictionary<string, ModemLink> Links => Volatile.Read(ref _published);

    public ModemLink? Find(string linkName) => Links.GetValueOrDefault(linkName);

    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            if (watcher.Fault is Exception fault)
                throw new InvalidOperationException("the modem watcher died", fault);
            // The watcher logs what happened; its events only wake this loop.
            while (watcher.Events.TryRead(out _))
            {
            }
            Reconcile(MonotonicClock.NowNanos);
            try
            {
                watcher.Events.WaitToReadAsync(cancellation).AsTask().Wait(s_wakeEvery, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Brings the links in line with the modems.</summary>
    void Reconcile(long now)
    {
        ModemInventory inventory = watcher.Current;
        IReadOnlyList<DesiredLink> desired = ModemLinkReconciler.Desired(inventory.Modems, now, signalStaleAfter);
        ImmutableDictionary<string, ModemLink> before = _published;
        // Publish first: a link the control loop finds in the sender must find its signal prior here.
        var published = ImmutableDictionary.CreateBuilder<string, ModemLink>(StringComparer.Ordinal);
        foreach (DesiredLink link in desired)
        {
            if (inventory.Find(link.ModemPath) is ModemSnapshot modem)
                published[link.Name] = new ModemLink(link.Name, link.Interface, modem, link.Signal, CheckReversePath(link));
        }
        Volatile.Write(ref _published, published.ToImmutable());

        LinkPlan plan = ModemLinkReconciler.Diff(desired, _interfaces.Select(l => new CurrentLink(l.Key, l.Value)));
        if (desired.Count == 0 && !OtherLinks().Any())
            FallBack(inventory, now);
        foreach (string name in plan.Remove)
            Remove(name, desired.Any(d => d.Name == name) ? "its modem moved to another interface" : WhyGone(before.GetValueOrDefault(name), inventory));
        foreach (DesiredLink link in plan.Add)
            Add(link, now);
        bool modemsCarry = _links.Keys.Any(isLive);
        if (_fallback is not null && (modemsCarry || OtherLinks().Any(l => isLive(l.Name))))
        {
            sender.RemoveLink(_fallback, modemsCarry ? "routing table: modem links carry the stream" : "routing table: other links carry the stream");
            _fallback = null;
        }
    }

    /// <summary>
    /// The interface's reverse-path filter, re-read on every pass (a sysctl may fix it while streaming; two small
    /// /proc reads per link every 500 ms). A strict filter is said once, naming the link, the interface and the fix.
    /// </summary>
    ReversePathCheck CheckReversePath(DesiredLink link)
    {
        ReversePathCheck check = ReversePathFilter.Check(link.Interface);
        if (_reversePath.TryGetValue(link.Interface, out ReversePathMode last) && last == check.Mode)
            return check;
        _reversePath[link.Interface] = check.Mode;
        if (check.Warning is string warning)
            log.LogWarning("link {Link}: {Warning}", link.Name, warning);
        else if (last == ReversePathMode.Strict)
            log.LogInformation("link {Link}: the reverse-path filter on {Interface} is {Mode} now", link.Name, link.Interface, ReversePathFilter.Name(check.Mode));
        return check;
    }

    /// <summary>The sender's links that are neither a modem's nor the routing-table fallback: static ones, or added on the control socket.</summary>
    IEnumerable<RistLink> OtherLinks() => sender.Links.Where(l => !_links.ContainsKey(l.Name) && !ReferenceEquals(l, _fallback));

    void Add(DesiredLink link, long now)
    {
        if (_failedUntil.TryGetValue(link.Name, out long until) && now < until)
            return;
        RistUrl url = template.With(new(RistUrl.NameParameter, link.Name), new(InterfaceParameter, link.Interface));
        try
        {
            string prior = link.Signal.CapacityPriorBps is double bps ? $", signal {link.Signal.Factor:0.00}, uplink prior {Units.FormatBitrate(bps)}" : "";
            _links[link.Name] = sender.AddLink(link.Name, url, 1, $"modem {link.Identity}", $"{link.Identity} connected on {link.Interface}{prior}");
            _interfaces[link.Name] = link.Interface;
            _failedUntil.Remove(link.Name);
        }
        catch (RistbondException e)
        {
            // Said once per attempt window, not on every pass.
            _failedUntil[link.Name] = now + s_addRetryNanos;
            log.LogError("link {Link}: {Error}; trying again in 5 s", link.Name, e.Message);
        }
    }

    void Remove(string name, string why)
    {
        if (!_links.Remove(name, out RistLink? link))
            return;
        _interfaces.Remove(name);
        sender.RemoveLink(link, why, LogLevel.Warning);
    }

    static string WhyGone(ModemLink? last, ModemInventory inventory)
    {
        if (!inventory.ModemManagerPresent)
            return "ModemManager went away";
        ModemSnapshot? modem = last is null ? null : inventory.Find(last.Modem.Path);
        if (modem is null)
            return "its modem is gone";
        if (modem.State < ModemState.Registered)
            return $"its modem is {ModemManagerText.Of(modem.State)}";
        return "its modem's bearer disconnected";
    }

    /// <summary>No modem carries traffic: the template URL itself, over the routing table. Said once (the watcher has already said what is wrong with the bus or ModemManager).</summary>
    void FallBack(ModemInventory inventory, long now)
    {
        string? reason = inventory.Version > 0 && (!inventory.BusConnected || !inventory.ModemManagerPresent) ? "no modems"
            : now - _startNanos < s_startGraceNanos ? null
            : inventory.Modems.Count == 0 ? "ModemManager reports no modems"
            : "no modem has a connected data bearer";
        if (reason is null)
            return;
        if (_fallback is null)
        {
            _fallback = sender.AddLink(_fallbackName, template, 1, "--output");
            log.LogWarning("{Reason}: sending over {Url} through the routing table (link {Link}) until a modem carries traffic",
                reason, template.Redacted, _fallbackName);
        }
    }
}

using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>Modems → links: which links the modems call for, and the plan from the links there are.</summary>
public sealed class ModemLinkReconcilerTests
{
    const long Now = 100 * Snapshots.Second;
    static readonly TimeSpan s_stale = TimeSpan.FromSeconds(6);

    static IReadOnlyList<DesiredLink> Desired(params ModemSnapshot[] modems) => ModemLinkReconciler.Desired(modems, Now, s_stale);

    static CurrentLink[] Current(IEnumerable<DesiredLink> links) => [.. links.Select(l => new CurrentLink(l.Name, l.Interface))];

    [Fact]
    public void Each_connected_modem_is_one_link_named_after_its_IMEI_and_bound_to_its_interface()
    {
        var links = Desired(Snapshots.Connected(1, "356938035640001"), Snapshots.Connected(0, "356938035643809"));
        Assert.Equal([("modem-0001", "wwan1"), ("modem-3809", "wwan0")], links.Select(l => (l.Name, l.Interface)));
        Assert.Equal("/org/freedesktop/ModemManager1/Modem/1", links[0].ModemPath);
        Assert.Equal("0001", links[0].Identity.ImeiLast4);
        Assert.Equal(SignalAssessment.Unknown, links[0].Signal);
    }

    [Fact]
    public void Disconnect_removal_and_failure_remove_the_link_and_a_reconnect_brings_it_back()
    {
        ModemSnapshot a = Snapshots.Connected(0, "356938035643809");
        ModemSnapshot b = Snapshots.Connected(1, "356938035640001");
        CurrentLink[] both = Current(Desired(a, b));

        Assert.Equal(["modem-3809"], ModemLinkReconciler.Diff(Desired(a.Disconnected(), b), both).Remove);
        Assert.Equal(["modem-3809"], ModemLinkReconciler.Diff(Desired(b), both).Remove);
        Assert.Equal(["modem-3809"], ModemLinkReconciler.Diff(Desired(a with { State = ModemState.Failed }, b), both).Remove);
        Assert.Equal(["modem-3809"], ModemLinkReconciler.Diff(Desired(a with { State = ModemState.Searching }, b), both).Remove);

        LinkPlan back = ModemLinkReconciler.Diff(Desired(a, b), [new CurrentLink("modem-0001", "wwan1")]);
        Assert.Empty(back.Remove);
        Assert.Equal(("modem-3809", "wwan0"), (Assert.Single(back.Add).Name, back.Add[0].Interface));
    }

    [Fact]
    public void Nothing_changes_when_nothing_changed_even_the_signal()
    {
        ModemSnapshot a = Snapshots.Connected(0, "356938035643809", lte: new SignalReading(-85, -9, 18, null, Now));
        CurrentLink[] current = Current(Desired(a));
        ModemSnapshot weaker = a with { Lte = new SignalReading(-112, -16, 1, null, Now) };
        LinkPlan plan = ModemLinkReconciler.Diff(Desired(weaker), current);
        Assert.True(plan.IsEmpty);
        Assert.True(Desired(weaker)[0].Signal.Factor < Desired(a)[0].Signal.Factor);
    }

    [Fact]
    public void A_new_interface_name_replaces_the_link_and_a_re_plugged_modem_keeps_its_name()
    {
        ModemSnapshot a = Snapshots.Connected(0, "356938035643809");
        // Re-plugged: a new ModemManager path and interface, the same IMEI.
        ModemSnapshot replugged = Snapshots.Connected(3, "356938035643809", interfaceName: "wwan3");
        LinkPlan plan = ModemLinkReconciler.Diff(Desired(replugged), Current(Desired(a)));
        Assert.Equal(["modem-3809"], plan.Remove);
        Assert.Equal(("modem-3809", "wwan3"), (Assert.Single(plan.Add).Name, plan.Add[0].Interface));
    }

    [Fact]
    public void Modems_without_an_IMEI_or_sharing_its_last_digits_still_get_distinct_names()
    {
        ModemSnapshot noImei = Snapshots.Connected(0, "") with { Identity = new ModemIdentity("Quectel", "RM500Q", null) };
        ModemSnapshot first = Snapshots.Connected(1, "356938035641234");
        ModemSnapshot twin = Snapshots.Connected(2, "490154203231234");
        var names = Desired(twin, noImei, first).Select(l => l.Name).ToList();
        Assert.Equal(["modem-1234", "modem-1234-wwan2", "modem-wwan0"], names);
    }

    [Fact]
    public void A_bearer_connected_without_an_interface_is_no_link()
    {
        ModemSnapshot a = Snapshots.Connected(0, "356938035643809");
        ModemSnapshot noInterface = a with { Bearers = [a.Bearers[0] with { Interface = null }] };
        Assert.Empty(Desired(noInterface));
    }
}

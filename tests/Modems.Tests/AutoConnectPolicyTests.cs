using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>The auto-connect decisions with simulated time: no bus, no clock.</summary>
public sealed class AutoConnectPolicyTests
{
    const long S = Snapshots.Second;

    static AutoConnectPolicy Policy(string? pin = null) => new(new AutoConnectOptions
    {
        Apn = "internet",
        Pin = pin,
        RetryInterval = TimeSpan.FromSeconds(30),
        StuckAfter = TimeSpan.FromSeconds(120),
    });

    [Fact]
    public void A_registered_modem_without_a_connected_bearer_is_connected_once_at_a_time()
    {
        var policy = Policy();
        ModemSnapshot registered = Snapshots.InState(0, ModemState.Registered);
        ModemAction action = Assert.Single(policy.Decide([registered], 0));
        Assert.Equal(ModemActionKind.Connect, action.Kind);
        Assert.Equal(registered.Path, action.Path);
        Assert.Equal("registered without a connected bearer: connecting to APN internet", action.Reason);

        Assert.Empty(policy.Decide([registered], 1 * S));       // in flight
        policy.Completed(action, succeeded: false, 5 * S);
        Assert.Empty(policy.Decide([registered], 34 * S));      // 30 s after the failure, not before
        Assert.Single(policy.Decide([registered], 35 * S));
    }

    [Fact]
    public void A_connected_modem_is_left_alone_and_a_dropped_bearer_is_reconnected_at_once()
    {
        var policy = Policy();
        ModemSnapshot connected = Snapshots.InState(0, ModemState.Connected, withBearer: true);
        Assert.Empty(policy.Decide([connected], 0));
        ModemSnapshot dropped = Snapshots.InState(0, ModemState.Registered);
        Assert.Equal(ModemActionKind.Connect, Assert.Single(policy.Decide([dropped], 10 * S)).Kind);
    }

    [Theory]
    [InlineData(ModemState.Disabled, null, true)]
    [InlineData(ModemState.Locked, "1234", true)]
    [InlineData(ModemState.Locked, null, false)]
    [InlineData(ModemState.Initializing, null, false)]
    [InlineData(ModemState.Enabling, null, false)]
    [InlineData(ModemState.Connecting, null, false)]
    [InlineData(ModemState.Disconnecting, null, false)]
    public void Simple_Connect_also_enables_and_unlocks(ModemState state, string? pin, bool connects)
    {
        IReadOnlyList<ModemAction> actions = Policy(pin).Decide([Snapshots.InState(0, state)], 0);
        Assert.Equal(connects, actions.Count == 1 && actions[0].Kind == ModemActionKind.Connect);
    }

    [Theory]
    [InlineData(ModemState.Searching, "searching, not registered for 120 s: re-enabling")]
    [InlineData(ModemState.Enabled, "enabled, not registered for 120 s: re-enabling")]
    [InlineData(ModemState.Failed, "failed (none) for 120 s: re-enabling")]
    public void A_modem_stuck_longer_than_StuckAfter_is_re_enabled_then_given_another_StuckAfter(ModemState state, string reason)
    {
        var policy = Policy();
        ModemSnapshot stuck = Snapshots.InState(0, state);
        for (long t = 0; t < 120; t += 1)
            Assert.Empty(policy.Decide([stuck], t * S));
        ModemAction action = Assert.Single(policy.Decide([stuck], 120 * S));
        Assert.Equal(ModemActionKind.Reenable, action.Kind);
        Assert.Equal(reason, action.Reason);
        policy.Completed(action, succeeded: true, 121 * S);
        Assert.Empty(policy.Decide([stuck], 200 * S));
        Assert.Single(policy.Decide([stuck], 240 * S));
    }

    [Fact]
    public void Leaving_the_stuck_state_restarts_the_clock()
    {
        var policy = Policy();
        Assert.Empty(policy.Decide([Snapshots.InState(0, ModemState.Searching)], 0));
        Assert.Empty(policy.Decide([Snapshots.InState(0, ModemState.Searching)], 100 * S));
        Assert.Empty(policy.Decide([Snapshots.InState(0, ModemState.Connected, withBearer: true)], 110 * S));
        Assert.Empty(policy.Decide([Snapshots.InState(0, ModemState.Searching)], 120 * S));
        Assert.Empty(policy.Decide([Snapshots.InState(0, ModemState.Searching)], 239 * S));
        Assert.Single(policy.Decide([Snapshots.InState(0, ModemState.Searching)], 240 * S));
    }

    [Fact]
    public void A_modem_that_goes_away_is_forgotten()
    {
        var policy = Policy();
        ModemSnapshot registered = Snapshots.InState(0, ModemState.Registered);
        ModemAction action = Assert.Single(policy.Decide([registered], 0));
        Assert.Empty(policy.Decide([], 1 * S));
        policy.Completed(action, succeeded: false, 2 * S);         // a late reply for a modem that is gone
        Assert.Single(policy.Decide([registered], 3 * S));         // back (re-plugged): a fresh start
    }

    [Fact]
    public void The_options_never_print_the_PIN_or_password()
    {
        var options = new AutoConnectOptions { Apn = "internet", Pin = "4711", User = "u", Password = "hunter2" };
        Assert.Equal("apn=internet pin=*** user=u password=***", options.ToString());
    }
}

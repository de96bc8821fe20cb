namespace Ristbond.Bonding;

/// <summary>Where a link stands, as the stats stream, the API and the LEDs show it.</summary>
public enum LinkState
{
    /// <summary>Added, but the receiver has not answered on it yet: out of rotation.</summary>
    Connecting,
    /// <summary>Just came (back) to life: carries a trial share while its health is confirmed.</summary>
    Probing,
    /// <summary>Carries its share.</summary>
    Live,
    /// <summary>Losing, queueing or flapping: carries a reduced share until it has been healthy for a while.</summary>
    Degraded,
    /// <summary>The receiver answered before but has been silent past the dead threshold: out of rotation.</summary>
    Dead,
}

public static class LinkStateNames
{
    /// <summary>The names used in the stats stream and the API (stable: others parse them).</summary>
    public static string ToWire(this LinkState state) => state switch
    {
        LinkState.Connecting => "connecting",
        LinkState.Probing => "probing",
        LinkState.Live => "live",
        LinkState.Degraded => "degraded",
        LinkState.Dead => "dead",
        _ => "unknown",
    };

    /// <summary>The state a wire name stands for (<see cref="ToWire"/> back); an unknown name counts as connecting.</summary>
    public static LinkState FromWire(string wire) => wire switch
    {
        "probing" => LinkState.Probing,
        "live" => LinkState.Live,
        "degraded" => LinkState.Degraded,
        "dead" => LinkState.Dead,
        _ => LinkState.Connecting,
    };

    /// <summary>True for the states in which a link carries traffic.</summary>
    public static bool CarriesTraffic(this LinkState state) => state is LinkState.Probing or LinkState.Live or LinkState.Degraded;
}

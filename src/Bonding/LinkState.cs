namespace Ristbond.Bonding;

/// <summary>Where a link stands, as the stats stream and the LEDs show it.</summary>
public enum LinkState
{
    /// <summary>Added, but the receiver has not answered on it yet.</summary>
    Connecting,
    /// <summary>The receiver answers; the link carries its share.</summary>
    Live,
    /// <summary>The receiver answered before but has been silent past the dead threshold: out of rotation.</summary>
    Dead,
}

public static class LinkStateNames
{
    /// <summary>The names used in the stats stream and the API (stable: others parse them).</summary>
    public static string ToWire(this LinkState state) => state switch
    {
        LinkState.Connecting => "connecting",
        LinkState.Live => "live",
        LinkState.Dead => "dead",
        _ => "unknown",
    };
}

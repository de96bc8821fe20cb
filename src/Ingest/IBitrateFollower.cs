namespace Ristbond.Ingest;

/// <summary>
/// A source whose bit rate ristbond sets itself, as the control loop recommends: testsrc, or a video encoder it
/// drives. (An external encoder is told instead, by <c>--bitrate-command</c> or <c>--bitrate-udp</c>.)
/// </summary>
public interface IBitrateFollower
{
    /// <summary>The bit rate last asked for: what the source runs at, or will from its next frame.</summary>
    long BitrateBps { get; }

    /// <summary>Asks for a new bit rate, clamped to what the source can do. Thread-safe; the latest request wins.</summary>
    void FollowBitrate(long bitsPerSecond);
}

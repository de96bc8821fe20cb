namespace Ristbond.LinkEmulator;

/// <summary>
/// Tunables of the relay machinery (not of the emulated link). The defaults hold 4 MiB / 8192 datagrams in
/// flight per direction: 100 Mbit/s for 330 ms, or 1316-byte datagrams at 20 Mbit/s for 4 s. When a direction
/// needs more, packets are counted in <see cref="LinkCounters.PacketsDroppedOther"/> rather than queued.
/// </summary>
public sealed record RelayOptions
{
    public static RelayOptions Default { get; } = new();

    /// <summary>Bytes of datagrams one direction can hold between arrival and departure.</summary>
    public int DelayLineBytes { get; init; } = 4 << 20;

    /// <summary>Datagrams one direction can hold between arrival and departure.</summary>
    public int DelayLinePackets { get; init; } = 8192;

    /// <summary>SO_RCVBUF/SO_SNDBUF asked for on every socket (the kernel caps it at net.core.rmem_max/wmem_max),
    /// so a burst is absorbed by the kernel instead of being lost before the emulator sees it.</summary>
    public int SocketBufferBytes { get; init; } = 4 << 20;

    /// <summary>Longest a send loop sleeps before looking at its stop flag again.</summary>
    public TimeSpan MaxSleep { get; init; } = TimeSpan.FromMilliseconds(50);
}

namespace Ristbond.Modems.Tests.Harness;

/// <summary>Snapshots for the pure tests, as the watcher would publish them.</summary>
public static class Snapshots
{
    public const long Second = 1_000_000_000;

    public static ModemSnapshot Connected(int n, string imei, string? interfaceName = null, SignalReading? lte = null,
        AccessTechnologies tech = AccessTechnologies.Lte) => new()
    {
        Path = $"/org/freedesktop/ModemManager1/Modem/{n}",
        Identity = new ModemIdentity("Quectel", "EM12-G", ModemIdentity.LastFourOf(imei)),
        State = ModemState.Connected,
        AccessTechnologies = tech,
        Lte = lte,
        Bearers = [new BearerSnapshot($"/org/freedesktop/ModemManager1/Bearer/{n}", interfaceName ?? $"wwan{n}", true, $"10.64.{n}.2", 30)],
    };

    public static ModemSnapshot Disconnected(this ModemSnapshot modem, ModemState state = ModemState.Registered) => modem with
    {
        State = state,
        Bearers = [.. modem.Bearers.Select(b => b with { Connected = false, Ip4Address = null })],
    };

    public static ModemSnapshot InState(int n, ModemState state, bool withBearer = false) => new()
    {
        Path = $"/org/freedesktop/ModemManager1/Modem/{n}",
        Identity = new ModemIdentity("Sierra Wireless", "EM7565", $"{n:0000}"),
        State = state,
        Bearers = withBearer ? [new BearerSnapshot($"/org/freedesktop/ModemManager1/Bearer/{n}", $"wwan{n}", true, null, 0)] : [],
    };
}

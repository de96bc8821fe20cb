namespace Ristbond.Modems;

/// <summary>
/// One modem as ModemManager last reported it: an immutable value the watcher thread publishes and any thread reads.
/// Missing properties read as their "unknown" value (null, 0, <see cref="ModemState.Unknown"/>).
/// </summary>
public sealed record ModemSnapshot
{
    /// <summary>ModemManager's object path for the modem (changes when the modem is re-plugged or ModemManager restarts).</summary>
    public required string Path { get; init; }
    public required ModemIdentity Identity { get; init; }
    /// <summary>Modem.Device: the sysfs path of the modem's USB or PCI device (…/usb2/2-1), which says the physical slot; null when unknown.</summary>
    public string? Device { get; init; }
    public ModemState State { get; init; }
    /// <summary>When <see cref="State"/> last changed, on the monotonic clock (ns).</summary>
    public long StateSinceNanos { get; init; }
    public ModemStateFailedReason FailedReason { get; init; }
    public AccessTechnologies AccessTechnologies { get; init; }
    /// <summary>Modem.SignalQuality's percentage (0–100), and whether ModemManager called it recent.</summary>
    public uint SignalQualityPercent { get; init; }
    public bool SignalQualityRecent { get; init; }
    /// <summary>Modem3gpp.OperatorName, null without the 3GPP interface or before registration.</summary>
    public string? OperatorName { get; init; }
    public RegistrationState? Registration { get; init; }
    /// <summary>Modem.Signal's refresh rate in seconds (0: ModemManager is not polling the extended signal values).</summary>
    public uint SignalRateSeconds { get; init; }
    public SignalReading? Lte { get; init; }
    public SignalReading? Nr5g { get; init; }
    public IReadOnlyList<BearerSnapshot> Bearers { get; init; } = [];

    /// <summary>The first bearer ModemManager reports connected, if any.</summary>
    public BearerSnapshot? ConnectedBearer
    {
        get
        {
            foreach (BearerSnapshot bearer in Bearers)
            {
                if (bearer.Connected)
                    return bearer;
            }
            return null;
        }
    }

    /// <summary>"modem /org/freedesktop/ModemManager1/Modem/0 (Quectel EM12-G, IMEI …1234)": how logs name it.</summary>
    public override string ToString() => $"modem {Path} ({Identity})";
}

/// <summary>Who the modem is. Only the IMEI's last 4 digits are kept: that is all anything user-visible may show.</summary>
public sealed record ModemIdentity(string? Manufacturer, string? Model, string? ImeiLast4)
{
    public static readonly ModemIdentity Unknown = new(null, null, null);

    /// <summary>The last 4 characters of an equipment identifier (IMEI, MEID, ESN), null when there is none.</summary>
    public static string? LastFourOf(string? equipmentIdentifier)
    {
        string? trimmed = equipmentIdentifier?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        return trimmed.Length <= 4 ? trimmed : trimmed[^4..];
    }

    public override string ToString()
    {
        string name = (Manufacturer, Model) switch
        {
            (null or "", null or "") => "unknown modem",
            (null or "", var model) => model!,
            (var maker, null or "") => maker!,
            var (maker, model) => $"{maker} {model}",
        };
        return ImeiLast4 is null ? name : $"{name}, IMEI …{ImeiLast4}";
    }
}

/// <summary>A bearer (a data connection) as its Properties.GetAll and PropertiesChanged report it.</summary>
public sealed record BearerSnapshot(string Path, string? Interface, bool Connected, string? Ip4Address, uint Ip4Prefix);

/// <summary>
/// One Modem.Signal reading (Lte or Nr5g: doubles, absent keys are null) and when the watcher received it, on the
/// monotonic clock. ModemManager clears a reading it can no longer refresh, and the watcher re-reads unchanged ones
/// every rate interval, so <see cref="ReceivedNanos"/> says how current the values are.
/// </summary>
public readonly record struct SignalReading(double? Rsrp, double? Rsrq, double? Snr, double? Rssi, long ReceivedNanos)
{
    public bool HasValues => Rsrp is not null || Rsrq is not null || Snr is not null;
}

/// <summary>Everything the watcher knows at one moment. A new instance replaces the old one on every change.</summary>
public sealed record ModemInventory
{
    public static readonly ModemInventory Initial = new() { Modems = [], Version = 0 };

    /// <summary>The system D-Bus answers.</summary>
    public bool BusConnected { get; init; }
    /// <summary>org.freedesktop.ModemManager1 has an owner on the bus.</summary>
    public bool ModemManagerPresent { get; init; }
    /// <summary>The modems, ordered by path.</summary>
    public required IReadOnlyList<ModemSnapshot> Modems { get; init; }
    /// <summary>Increases with every published inventory.</summary>
    public long Version { get; init; }
    public long TimeNanos { get; init; }

    public ModemSnapshot? Find(string path)
    {
        foreach (ModemSnapshot modem in Modems)
        {
            if (modem.Path == path)
                return modem;
        }
        return null;
    }
}

public enum ModemEventKind
{
    /// <summary>org.freedesktop.ModemManager1 got an owner: the watcher enumerates its modems.</summary>
    ModemManagerAppeared,
    /// <summary>ModemManager left the bus (stopped, crashed, restarting), or the bus itself went away: every modem is gone.</summary>
    ModemManagerVanished,
    Added,
    Removed,
    /// <summary>A property of the modem or of one of its bearers changed (not sent for a re-read that changed nothing).</summary>
    Changed,
    /// <summary>The auto-connect logic acted on the modem (connect, re-enable) or an action failed; <see cref="ModemEvent.Detail"/> says what.</summary>
    Action,
}

/// <summary>
/// Something that happened, in order. <see cref="Modem"/> is the snapshot after the change (the last one known for
/// <see cref="ModemEventKind.Removed"/>); <see cref="Detail"/> is a human-readable line for actions and errors.
/// </summary>
public sealed record ModemEvent(ModemEventKind Kind, long TimeNanos, ModemSnapshot? Modem = null, string? Detail = null)
{
    public override string ToString() => Modem is null ? $"{Kind} {Detail}" : $"{Kind} {Modem}{(Detail is null ? "" : ": " + Detail)}";
}

namespace Ristbond.Modems;

/// <summary>
/// ModemManager's D-Bus names (1.20, checked against its introspection XML in modemmanager-dev). Modem paths are
/// whatever the daemon says (…/Modem/N today, …/Modems/N in older documents): never build or parse them.
/// </summary>
public static class ModemManagerNames
{
    public const string BusName = "org.freedesktop.ModemManager1";
    public const string ObjectPath = "/org/freedesktop/ModemManager1";

    public const string Modem = "org.freedesktop.ModemManager1.Modem";
    public const string Modem3gpp = "org.freedesktop.ModemManager1.Modem.Modem3gpp";
    public const string Signal = "org.freedesktop.ModemManager1.Modem.Signal";
    public const string Simple = "org.freedesktop.ModemManager1.Modem.Simple";
    public const string Bearer = "org.freedesktop.ModemManager1.Bearer";

    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";
    public const string Properties = "org.freedesktop.DBus.Properties";

    public const string DBusName = "org.freedesktop.DBus";
    public const string DBusPath = "/org/freedesktop/DBus";
}

/// <summary>MMModemState (ModemManager-enums.h).</summary>
public enum ModemState
{
    Failed = -1,
    Unknown = 0,
    Initializing = 1,
    Locked = 2,
    Disabled = 3,
    Disabling = 4,
    Enabling = 5,
    Enabled = 6,
    Searching = 7,
    Registered = 8,
    Disconnecting = 9,
    Connecting = 10,
    Connected = 11,
}

/// <summary>MMModemStateFailedReason (ModemManager-enums.h): why a modem is in <see cref="ModemState.Failed"/>.</summary>
public enum ModemStateFailedReason : uint
{
    None = 0,
    Unknown = 1,
    SimMissing = 2,
    SimError = 3,
    UnknownCapabilities = 4,
    EsimWithoutProfiles = 5,
}

/// <summary>MMModemAccessTechnology (ModemManager-enums.h): the radio technologies in use, a bit mask.</summary>
[Flags]
public enum AccessTechnologies : uint
{
    Unknown = 0,
    Pots = 1 << 0,
    Gsm = 1 << 1,
    GsmCompact = 1 << 2,
    Gprs = 1 << 3,
    Edge = 1 << 4,
    Umts = 1 << 5,
    Hsdpa = 1 << 6,
    Hsupa = 1 << 7,
    Hspa = 1 << 8,
    HspaPlus = 1 << 9,
    OneXRtt = 1 << 10,
    Evdo0 = 1 << 11,
    EvdoA = 1 << 12,
    EvdoB = 1 << 13,
    Lte = 1 << 14,
    Nr5g = 1 << 15,
    LteCatM = 1 << 16,
    LteNbIot = 1 << 17,
}

/// <summary>MMModem3gppRegistrationState (ModemManager-enums.h).</summary>
public enum RegistrationState : uint
{
    Idle = 0,
    Home = 1,
    Searching = 2,
    Denied = 3,
    Unknown = 4,
    Roaming = 5,
    HomeSmsOnly = 6,
    RoamingSmsOnly = 7,
    EmergencyOnly = 8,
    HomeCsfbNotPreferred = 9,
    RoamingCsfbNotPreferred = 10,
    AttachedRlos = 11,
}

/// <summary>How ModemManager's numbers read in logs and on the command line.</summary>
public static class ModemManagerText
{
    public static string Of(ModemState state) => state switch
    {
        ModemState.Failed => "failed",
        ModemState.Unknown => "unknown",
        ModemState.Initializing => "initializing",
        ModemState.Locked => "locked",
        ModemState.Disabled => "disabled",
        ModemState.Disabling => "disabling",
        ModemState.Enabling => "enabling",
        ModemState.Enabled => "enabled",
        ModemState.Searching => "searching",
        ModemState.Registered => "registered",
        ModemState.Disconnecting => "disconnecting",
        ModemState.Connecting => "connecting",
        ModemState.Connected => "connected",
        _ => $"state {(int)state}",
    };

    public static string Of(ModemStateFailedReason reason) => reason switch
    {
        ModemStateFailedReason.None => "none",
        ModemStateFailedReason.SimMissing => "SIM missing",
        ModemStateFailedReason.SimError => "SIM error",
        ModemStateFailedReason.UnknownCapabilities => "unknown capabilities",
        ModemStateFailedReason.EsimWithoutProfiles => "eSIM without profiles",
        _ => "unknown",
    };

    /// <summary>"lte", "5gnr", "lte, 5gnr", "umts, hsdpa" — mmcli's spelling; "unknown" for none.</summary>
    public static string Of(AccessTechnologies technologies)
    {
        if (technologies == AccessTechnologies.Unknown)
            return "unknown";
        var names = new List<string>();
        for (int bit = 0; bit < 32; bit++)
        {
            var flag = (AccessTechnologies)(1u << bit);
            if ((technologies & flag) == 0)
                continue;
            names.Add(flag switch
            {
                AccessTechnologies.Pots => "pots",
                AccessTechnologies.Gsm => "gsm",
                AccessTechnologies.GsmCompact => "gsm-compact",
                AccessTechnologies.Gprs => "gprs",
                AccessTechnologies.Edge => "edge",
                AccessTechnologies.Umts => "umts",
                AccessTechnologies.Hsdpa => "hsdpa",
                AccessTechnologies.Hsupa => "hsupa",
                AccessTechnologies.Hspa => "hspa",
                AccessTechnologies.HspaPlus => "hspa-plus",
                AccessTechnologies.OneXRtt => "1xrtt",
                AccessTechnologies.Evdo0 => "evdo0",
                AccessTechnologies.EvdoA => "evdoa",
                AccessTechnologies.EvdoB => "evdob",
                AccessTechnologies.Lte => "lte",
                AccessTechnologies.Nr5g => "5gnr",
                AccessTechnologies.LteCatM => "lte-cat-m",
                AccessTechnologies.LteNbIot => "lte-nb-iot",
                _ => $"bit{bit}",
            });
        }
        return string.Join(", ", names);
    }

    public static string Of(RegistrationState state) => state switch
    {
        RegistrationState.Idle => "idle",
        RegistrationState.Home => "home",
        RegistrationState.Searching => "searching",
        RegistrationState.Denied => "denied",
        RegistrationState.Roaming => "roaming",
        RegistrationState.HomeSmsOnly => "home (SMS only)",
        RegistrationState.RoamingSmsOnly => "roaming (SMS only)",
        RegistrationState.EmergencyOnly => "emergency only",
        RegistrationState.HomeCsfbNotPreferred => "home (CSFB not preferred)",
        RegistrationState.RoamingCsfbNotPreferred => "roaming (CSFB not preferred)",
        RegistrationState.AttachedRlos => "attached (RLOS)",
        _ => "unknown",
    };
}

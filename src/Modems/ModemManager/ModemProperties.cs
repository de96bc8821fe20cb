using Ristbond.Modems.Bus;

namespace Ristbond.Modems.ModemManager;

/// <summary>
/// Reads one interface's a{sv} of properties (from GetManagedObjects, InterfacesAdded, GetAll or PropertiesChanged)
/// into a record. Unknown keys are skipped; a known key with the wrong type is reported once and leaves the old
/// value; an absent key leaves the old value (PropertiesChanged only carries what changed).
/// </summary>
internal static class ModemProperties
{
    /// <summary>Applies an a{sv} for <paramref name="interfaceName"/> of a modem; other interfaces are skipped.</summary>
    public static void Apply(ref DBusReader reader, string interfaceName, ModemRecord modem, long nowNanos, PropertyTypeReporter report)
    {
        if (!reader.TryEnterProperties())
        {
            report.WrongType(modem.Path, interfaceName, "a{sv}", reader.Peek(out string contents) + contents);
            reader.Skip();
            return;
        }
        var cursor = new DBusReader.PropertyCursor();
        while (reader.NextProperty(ref cursor, out string name, out string signature))
        {
            switch (interfaceName)
            {
                case ModemManagerNames.Modem:
                    ApplyModem(ref reader, modem, name, signature, nowNanos, report);
                    break;
                case ModemManagerNames.Modem3gpp:
                    Apply3gpp(ref reader, modem, name, signature, report);
                    break;
                case ModemManagerNames.Signal:
                    ApplySignal(ref reader, modem, name, signature, nowNanos, report);
                    break;
            }
        }
    }

    static void ApplyModem(ref DBusReader reader, ModemRecord modem, string name, string signature, long nowNanos, PropertyTypeReporter report)
    {
        string path = modem.Path;
        switch (name)
        {
            case "Manufacturer":
                if (ReadString(ref reader, path, "Modem.Manufacturer", signature, report, out string manufacturer))
                    modem.Set(ref modem.Manufacturer, NullIfEmpty(manufacturer));
                break;
            case "Model":
                if (ReadString(ref reader, path, "Modem.Model", signature, report, out string model))
                    modem.Set(ref modem.Model, NullIfEmpty(model));
                break;
            case "EquipmentIdentifier":
                // Only the last 4 digits are kept: the full IMEI must never reach a log, a snapshot or a screen.
                if (ReadString(ref reader, path, "Modem.EquipmentIdentifier", signature, report, out string identifier))
                    modem.Set(ref modem.ImeiLast4, ModemIdentity.LastFourOf(identifier));
                break;
            case "Device":
                // The sysfs path of the modem's USB/PCI device: which physical slot it sits in (board profiles).
                if (ReadString(ref reader, path, "Modem.Device", signature, report, out string device))
                    modem.Set(ref modem.Device, NullIfEmpty(device));
                break;
            case "State":
                if (Expect(path, "Modem.State", "i", signature, report) && reader.TryReadInt32(out int state))
                    modem.SetState((ModemState)state, nowNanos);
                break;
            case "StateFailedReason":
                if (Expect(path, "Modem.StateFailedReason", "u", signature, report) && reader.TryReadUInt32(out uint reason))
                    modem.Set(ref modem.FailedReason, (ModemStateFailedReason)reason);
                break;
            case "AccessTechnologies":
                if (Expect(path, "Modem.AccessTechnologies", "u", signature, report) && reader.TryReadUInt32(out uint technologies))
                    modem.Set(ref modem.AccessTechnologies, (AccessTechnologies)technologies);
                break;
            case "SignalQuality":
                if (Expect(path, "Modem.SignalQuality", "(ub)", signature, report) && reader.TryEnter('r', "ub"))
                {
                    if (reader.TryReadUInt32(out uint percent) && reader.TryReadBoolean(out bool recent))
                    {
                        modem.Set(ref modem.SignalQualityPercent, percent);
                        modem.Set(ref modem.SignalQualityRecent, recent);
                    }
                    reader.Exit();
                }
                break;
            case "Bearers":
                if (Expect(path, "Modem.Bearers", "ao", signature, report) && reader.TryEnter('a', "o"))
                {
                    var bearers = new List<string>();
                    while (reader.TryReadObjectPath(out string bearer))
                        bearers.Add(bearer);
                    reader.Exit();
                    if (!bearers.SequenceEqual(modem.BearerPaths))
                    {
                        modem.BearerPaths = bearers;
                        modem.Changed = true;
                    }
                }
                break;
        }
    }

    static void Apply3gpp(ref DBusReader reader, ModemRecord modem, string name, string signature, PropertyTypeReporter report)
    {
        switch (name)
        {
            case "OperatorName":
                if (ReadString(ref reader, modem.Path, "Modem3gpp.OperatorName", signature, report, out string text))
                    modem.Set(ref modem.OperatorName, NullIfEmpty(text));
                break;
            case "RegistrationState":
                if (Expect(modem.Path, "Modem3gpp.RegistrationState", "u", signature, report) && reader.TryReadUInt32(out uint state))
                    modem.Set(ref modem.Registration, (RegistrationState)state);
                break;
        }
    }

    static void ApplySignal(ref DBusReader reader, ModemRecord modem, string name, string signature, long nowNanos, PropertyTypeReporter report)
    {
        switch (name)
        {
            case "Rate":
                if (Expect(modem.Path, "Signal.Rate", "u", signature, report) && reader.TryReadUInt32(out uint rate))
                    modem.Set(ref modem.SignalRate, rate);
                break;
            case "Lte":
                if (ReadSignal(ref reader, modem.Path, "Signal.Lte", signature, nowNanos, report, out SignalReading? lte))
                {
                    modem.SetReading(ref modem.Lte, lte);
                    modem.LastSignalReadNanos = nowNanos;
                }
                break;
            case "Nr5g":
                if (ReadSignal(ref reader, modem.Path, "Signal.Nr5g", signature, nowNanos, report, out SignalReading? nr))
                {
                    modem.SetReading(ref modem.Nr5g, nr);
                    modem.LastSignalReadNanos = nowNanos;
                }
                break;
        }
    }

    /// <summary>Lte / Nr5g: an a{sv} of doubles (rsrp dBm, rsrq dB, snr dB, rssi dBm); empty when there is no reading.</summary>
    static bool ReadSignal(ref DBusReader reader, string path, string property, string signature, long nowNanos,
        PropertyTypeReporter report, out SignalReading? reading)
    {
        reading = null;
        if (!Expect(path, property, "a{sv}", signature, report) || !reader.TryEnterProperties())
            return false;
        double? rsrp = null, rsrq = null, snr = null, rssi = null;
        var cursor = new DBusReader.PropertyCursor();
        while (reader.NextProperty(ref cursor, out string key, out string valueSignature))
        {
            if (key is not ("rsrp" or "rsrq" or "snr" or "rssi"))
                continue; // error-rate, sinr (older firmware) and whatever comes next
            if (!Expect(path, $"{property}.{key}", "d", valueSignature, report) || !reader.TryReadDouble(out double value) || !double.IsFinite(value))
                continue;
            switch (key)
            {
                case "rsrp": rsrp = value; break;
                case "rsrq": rsrq = value; break;
                case "snr": snr = value; break;
                case "rssi": rssi = value; break;
            }
        }
        var candidate = new SignalReading(rsrp, rsrq, snr, rssi, nowNanos);
        reading = candidate.HasValues ? candidate : null;
        return true;
    }

    /// <summary>Applies a bearer's a{sv}; returns true when something a snapshot shows changed.</summary>
    public static bool ApplyBearer(ref DBusReader reader, BearerRecord bearer, PropertyTypeReporter report)
    {
        if (!reader.TryEnterProperties())
        {
            report.WrongType(bearer.Path, ModemManagerNames.Bearer, "a{sv}", reader.Peek(out string contents) + contents);
            reader.Skip();
            return false;
        }
        var before = bearer.ToSnapshot();
        var cursor = new DBusReader.PropertyCursor();
        while (reader.NextProperty(ref cursor, out string name, out string signature))
        {
            switch (name)
            {
                case "Interface":
                    if (ReadString(ref reader, bearer.Path, "Bearer.Interface", signature, report, out string text))
                        bearer.Interface = NullIfEmpty(text);
                    break;
                case "Connected":
                    if (Expect(bearer.Path, "Bearer.Connected", "b", signature, report) && reader.TryReadBoolean(out bool connected))
                        bearer.Connected = connected;
                    break;
                case "Ip4Config":
                    if (Expect(bearer.Path, "Bearer.Ip4Config", "a{sv}", signature, report) && reader.TryEnterProperties())
                        ReadIp4Config(ref reader, bearer, report);
                    break;
            }
        }
        return bearer.ToSnapshot() != before;
    }

    static void ReadIp4Config(ref DBusReader reader, BearerRecord bearer, PropertyTypeReporter report)
    {
        string? address = null;
        uint prefix = 0;
        var cursor = new DBusReader.PropertyCursor();
        while (reader.NextProperty(ref cursor, out string key, out string signature))
        {
            if (key == "address" && ReadString(ref reader, bearer.Path, "Bearer.Ip4Config.address", signature, report, out string text))
                address = NullIfEmpty(text);
            else if (key == "prefix" && Expect(bearer.Path, "Bearer.Ip4Config.prefix", "u", signature, report) && reader.TryReadUInt32(out uint p))
                prefix = p;
        }
        bearer.Ip4Address = address;
        bearer.Ip4Prefix = address is null ? 0 : prefix;
    }

    static bool ReadString(ref DBusReader reader, string path, string property, string signature, PropertyTypeReporter report, out string value)
    {
        value = "";
        return Expect(path, property, "s", signature, report) && reader.TryReadString(out value);
    }

    static bool Expect(string path, string property, string expected, string actual, PropertyTypeReporter report)
    {
        if (actual == expected)
            return true;
        report.WrongType(path, property, expected, actual);
        return false;
    }

    static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

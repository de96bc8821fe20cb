using System.Text.Json;
using Ristbond.Platform;

namespace Ristbond.Board.Profile;

/// <summary>Reads and checks a board profile. Every error is one line naming the file, and the JSON path or role.</summary>
public static class BoardProfileLoader
{
    public static BoardProfile Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"board profile {path}: cannot be read: {e.Message}");
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses and checks; <paramref name="path"/> only names the profile in errors.</summary>
    public static BoardProfile Parse(ReadOnlySpan<byte> json, string path)
    {
        BoardProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, BoardProfileJsonContext.Default.BoardProfile);
        }
        catch (JsonException e)
        {
            string message = e.Message;
            int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0)
                message = message[..cut];
            // A syntax error's position is exact; a mapping error's is where the document ends: find its path instead.
            bool syntax = e.InnerException is JsonException;
            int? line = !syntax && e.Path is string at && JsonLocation.LineOf(json, at) is int found ? found
                : e.LineNumber is long reported ? (int)reported + 1 : null;
            string where = line is int l ? $"line {l}, {e.Path ?? "$"}" : e.Path ?? "$";
            throw new RistbondException($"board profile {path}: {where}: {message}");
        }
        if (profile is null)
            throw new RistbondException($"board profile {path}: is null, not an object");
        Check(profile, path);
        return profile;
    }

    static void Check(BoardProfile profile, string path)
    {
        void Fail(string where, string what) => throw new RistbondException($"board profile {path}: {where}: {what}");

        var names = new HashSet<string>(StringComparer.Ordinal);
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        void Device(string role, string key)
        {
            if (!devices.TryAdd(key, role))
                Fail(role, $"{key} is already used by {devices[key]}");
        }
        void Indicator(string role, IndicatorSpec? spec)
        {
            if (spec is null)
                return;
            if ((spec.Led is null) == (spec.Gpio is null))
                Fail(role, "give exactly one of \"led\" and \"gpio\"");
            if (spec.Led is string led)
            {
                if (led.Length == 0 || led.Contains('/') || led is "." or "..")
                    Fail(role, $"\"{led}\" is not an LED class device name");
                Device(role, $"LED {led}");
            }
            if (spec.Gpio is GpioLineSpec gpio)
                Line(role, gpio);
        }
        void Line(string role, GpioLineSpec line)
        {
            if (string.IsNullOrWhiteSpace(line.Chip))
                Fail(role, "\"chip\" is empty");
            if (line.Line >= 64 * 1024)
                Fail(role, $"line {line.Line} is not a line offset");
            Device(role, line.ToString());
        }

        Indicator("streaming", profile.Streaming);
        Indicator("error", profile.Error);
        for (int i = 0; i < profile.Slots.Count; i++)
        {
            SlotSpec slot = profile.Slots[i];
            if (string.IsNullOrWhiteSpace(slot.Name))
                Fail($"slots[{i}]", "\"name\" is empty");
            if (!names.Add(slot.Name))
                Fail($"slots[{i}]", $"a second slot named '{slot.Name}'");
            ModemMatch m = slot.Modem;
            int keys = (m.UsbPort is null ? 0 : 1) + (m.ImeiLast4 is null ? 0 : 1) + (m.Interface is null ? 0 : 1) + (m.Link is null ? 0 : 1);
            if (keys != 1)
                Fail($"slot '{slot.Name}' modem", "give exactly one of \"usb_port\", \"imei_last4\", \"interface\", \"link\"");
            if (m.ImeiLast4 is string imei && (imei.Length != 4 || !imei.All(char.IsAsciiDigit)))
                Fail($"slot '{slot.Name}' modem", $"imei_last4 \"{imei}\" is not 4 digits");
            Indicator($"slot '{slot.Name}' led", slot.Led);
            if (slot.PowerEnable is GpioLineSpec power)
                Line($"slot '{slot.Name}' power_enable", power);
        }

        PowerCycleSpec p = profile.PowerCycle;
        if (!(p.AfterS > 0) || !(p.OffS > 0) || !(p.MaxAfterS >= p.AfterS) || double.IsInfinity(p.MaxAfterS))
            Fail("power_cycle", "after_s and off_s must be above 0 and max_after_s at least after_s");
        if (!(profile.ErrorAfterNoLinkS > 0) || double.IsInfinity(profile.ErrorAfterNoLinkS))
            Fail("error_after_no_link_s", $"{profile.ErrorAfterNoLinkS} is not a number of seconds above 0");
    }
}

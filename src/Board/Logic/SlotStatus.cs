using Ristbond.Board.Profile;
using Ristbond.Bonding;
using Ristbond.Modems;

namespace Ristbond.Board.Logic;

/// <summary>What is in a slot now: pure lookup of the slot's modem and its link in a <see cref="BoardInput"/>.</summary>
public readonly record struct SlotStatus(bool Known, bool Present, ModemState? Modem, LinkState? Link)
{
    /// <summary>The slot matches by modem but ristbond has no modem information (no <c>--modems</c>): shows nothing, decides nothing.</summary>
    public static readonly SlotStatus Unknown = new(false, false, null, null);

    public static SlotStatus Of(ModemMatch match, BoardInput input)
    {
        if (match.Link is string linkName)
        {
            BoardLink? link = input.Links.FirstOrDefault(l => l.Name == linkName);
            return new SlotStatus(true, link is not null, null, link?.State);
        }
        if (input.Modems is null)
            return Unknown;
        ModemSnapshot? modem = input.Modems.FirstOrDefault(m => Matches(match, m));
        if (modem is null)
            return new SlotStatus(true, false, null, null);
        BoardLink? modemLink = input.Links.FirstOrDefault(l => l.ModemPath == modem.Path);
        return new SlotStatus(true, true, modem.State, modemLink?.State);
    }

    public static bool Matches(ModemMatch match, ModemSnapshot modem)
    {
        if (match.UsbPort is string port)
        {
            // Modem.Device is the sysfs path of the USB device: …/usb2/2-1 for port 1 of bus 2, …/2-1.3 behind a hub.
            return modem.Device is string device && (device == port || device.EndsWith("/" + port.TrimStart('/'), StringComparison.Ordinal));
        }
        if (match.ImeiLast4 is string imei)
            return modem.Identity.ImeiLast4 == imei;
        if (match.Interface is string name)
            return modem.ConnectedBearer?.Interface == name;
        return false;
    }
}

using Ristbond.Modems.Bus;

namespace Ristbond.Modems.ModemManager;

/// <summary>The method calls and match rules ristbond sends to ModemManager and the bus daemon, built argument by argument.</summary>
internal static class ModemManagerCalls
{
    /// <summary>ModemManager appearing, leaving or being replaced on the bus.</summary>
    public const string NameOwnerChangedRule =
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',interface='org.freedesktop.DBus'," +
        "member='NameOwnerChanged',arg0='org.freedesktop.ModemManager1'";

    /// <summary>Modems appearing and going away (and interfaces such as Modem.Signal coming and going on them).</summary>
    public const string ObjectManagerRule =
        "type='signal',sender='org.freedesktop.ModemManager1',path='/org/freedesktop/ModemManager1'," +
        "interface='org.freedesktop.DBus.ObjectManager'";

    /// <summary>Property changes of modems and bearers: everything under ModemManager's path, whatever it names them.</summary>
    public const string PropertiesChangedRule =
        "type='signal',sender='org.freedesktop.ModemManager1',interface='org.freedesktop.DBus.Properties'," +
        "member='PropertiesChanged',path_namespace='/org/freedesktop/ModemManager1'";

    public static SdBusMessageHandle GetNameOwner(SdBusConnection bus)
    {
        SdBusMessageHandle call = bus.NewMethodCall(ModemManagerNames.DBusName, ModemManagerNames.DBusPath, ModemManagerNames.DBusName, "GetNameOwner");
        new DBusWriter(call).String(ModemManagerNames.BusName);
        return call;
    }

    public static SdBusMessageHandle GetManagedObjects(SdBusConnection bus) =>
        bus.NewMethodCall(ModemManagerNames.BusName, ModemManagerNames.ObjectPath, ModemManagerNames.ObjectManager, "GetManagedObjects");

    public static SdBusMessageHandle GetAll(SdBusConnection bus, string path, string interfaceName)
    {
        SdBusMessageHandle call = bus.NewMethodCall(ModemManagerNames.BusName, path, ModemManagerNames.Properties, "GetAll");
        new DBusWriter(call).String(interfaceName);
        return call;
    }

    /// <summary>Modem.Signal.Setup(u rate): ModemManager polls the extended signal values every <paramref name="rateSeconds"/> s.</summary>
    public static SdBusMessageHandle SignalSetup(SdBusConnection bus, string path, uint rateSeconds)
    {
        SdBusMessageHandle call = bus.NewMethodCall(ModemManagerNames.BusName, path, ModemManagerNames.Signal, "Setup");
        new DBusWriter(call).UInt32(rateSeconds);
        return call;
    }

    /// <summary>Modem.Enable(b).</summary>
    public static SdBusMessageHandle Enable(SdBusConnection bus, string path, bool enable)
    {
        SdBusMessageHandle call = bus.NewMethodCall(ModemManagerNames.BusName, path, ModemManagerNames.Modem, "Enable");
        new DBusWriter(call).Boolean(enable);
        return call;
    }

    /// <summary>Modem.Simple.Connect(a{sv}) → o: unlocks (pin), enables, waits for registration, connects (apn, user, password).</summary>
    public static SdBusMessageHandle SimpleConnect(SdBusConnection bus, string path, AutoConnectOptions options)
    {
        SdBusMessageHandle call = bus.NewMethodCall(ModemManagerNames.BusName, path, ModemManagerNames.Simple, "Connect");
        var writer = new DBusWriter(call);
        writer.Open('a', "{sv}");
        writer.StringEntry("apn", options.Apn);
        if (!string.IsNullOrEmpty(options.Pin))
            writer.StringEntry("pin", options.Pin);
        if (!string.IsNullOrEmpty(options.User))
            writer.StringEntry("user", options.User);
        if (!string.IsNullOrEmpty(options.Password))
            writer.StringEntry("password", options.Password);
        writer.Close();
        return call;
    }
}

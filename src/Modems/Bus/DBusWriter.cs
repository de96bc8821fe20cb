namespace Ristbond.Modems.Bus;

/// <summary>
/// Appends arguments to a method call one value or container at a time (sd_bus_message_append_basic and
/// open/close_container): the non-varargs way to build what sd_bus_message_append would.
/// </summary>
internal readonly unsafe ref struct DBusWriter(SdBusMessageHandle message)
{
    readonly SdBusMessageHandle _message = message;

    public void String(string value) => AppendText('s', value);

    public void ObjectPath(string value) => AppendText('o', value);

    public void Boolean(bool value)
    {
        int b = value ? 1 : 0; // D-Bus booleans are 32-bit: sd-bus reads an int here
        BusErrors.Check(Interop.SdBus.sd_bus_message_append_basic(_message, (byte)'b', &b), "append a boolean");
    }

    public void UInt32(uint value) => BusErrors.Check(Interop.SdBus.sd_bus_message_append_basic(_message, (byte)'u', &value), "append a uint32");

    public void Int32(int value) => BusErrors.Check(Interop.SdBus.sd_bus_message_append_basic(_message, (byte)'i', &value), "append an int32");

    /// <summary>Opens an array ('a'), struct ('r'), dict entry ('e') or variant ('v') of the given contents signature.</summary>
    public void Open(char type, string contents)
    {
        fixed (byte* c = SdBusConnection.Utf8Z(contents))
            BusErrors.Check(Interop.SdBus.sd_bus_message_open_container(_message, (byte)type, c), $"open a '{type}' container of '{contents}'");
    }

    public void Close() => BusErrors.Check(Interop.SdBus.sd_bus_message_close_container(_message), "close a container");

    /// <summary>One {sv} entry of an a{sv} whose value is a string: how Simple.Connect takes "apn", "pin", "user".</summary>
    public void StringEntry(string key, string value)
    {
        Open('e', "sv");
        String(key);
        Open('v', "s");
        String(value);
        Close();
        Close();
    }

    void AppendText(char type, string value)
    {
        fixed (byte* text = SdBusConnection.Utf8Z(value))
            BusErrors.Check(Interop.SdBus.sd_bus_message_append_basic(_message, (byte)type, text), $"append a '{type}' value");
    }
}

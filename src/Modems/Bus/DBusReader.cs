namespace Ristbond.Modems.Bus;

/// <summary>
/// Walks a received message one element at a time (sd_bus_message_peek_type / read_basic / enter_container / skip),
/// without reflection and without trusting the sender: every Try… method looks at the next element's type first
/// and returns false, consuming nothing, when it is not what the caller expects. The caller decides what to do
/// with an unexpected type (usually: report once, skip). Valid only while the message is alive and on one thread.
/// </summary>
internal unsafe ref struct DBusReader(SdBusMessageHandle message)
{
    readonly SdBusMessageHandle _message = message;

    /// <summary>Where <see cref="NextProperty"/> is inside an a{sv}: between entries, or inside one entry's variant.</summary>
    public struct PropertyCursor
    {
        internal bool InEntry;
    }

    /// <summary>The next element's type code ('\0' at the end of the current container).</summary>
    public readonly char Peek()
    {
        byte type;
        return Interop.SdBus.sd_bus_message_peek_type(_message, &type, null) > 0 ? (char)type : '\0';
    }

    /// <summary>The next element's type and, for a container, its contents signature ("{sv}" for a{sv}, "ub" for (ub)).</summary>
    public readonly char Peek(out string contents)
    {
        byte type;
        byte* inner;
        if (Interop.SdBus.sd_bus_message_peek_type(_message, &type, &inner) <= 0)
        {
            contents = "";
            return '\0';
        }
        contents = SdBusConnection.FromUtf8Z(inner) ?? "";
        return (char)type;
    }

    public readonly bool TryReadString(out string value) => TryReadText('s', out value);

    public readonly bool TryReadObjectPath(out string value) => TryReadText('o', out value);

    public readonly bool TryReadBoolean(out bool value)
    {
        int raw = 0;
        bool ok = TryReadBasic('b', &raw);
        value = raw != 0;
        return ok;
    }

    public readonly bool TryReadInt32(out int value)
    {
        int raw = 0;
        bool ok = TryReadBasic('i', &raw);
        value = raw;
        return ok;
    }

    public readonly bool TryReadUInt32(out uint value)
    {
        uint raw = 0;
        bool ok = TryReadBasic('u', &raw);
        value = raw;
        return ok;
    }

    public readonly bool TryReadDouble(out double value)
    {
        double raw = 0;
        bool ok = TryReadBasic('d', &raw);
        value = raw;
        return ok;
    }

    /// <summary>Skips the next complete element, whatever it is.</summary>
    public readonly void Skip() => BusErrors.CheckRead(Interop.SdBus.sd_bus_message_skip(_message, null), "skip a D-Bus value");

    /// <summary>Enters the next element when it is a container of <paramref name="type"/> ('a', 'r', 'e', 'v') holding <paramref name="contents"/>.</summary>
    public readonly bool TryEnter(char type, string contents)
    {
        if (Peek(out string actual) != type || actual != contents)
            return false;
        fixed (byte* c = SdBusConnection.Utf8Z(contents))
            BusErrors.CheckRead(Interop.SdBus.sd_bus_message_enter_container(_message, (byte)type, c), $"enter a '{type}' container of '{contents}'");
        return true;
    }

    /// <summary>Enters the next element when it is a variant; <paramref name="signature"/> is what it holds.</summary>
    public readonly bool TryEnterVariant(out string signature)
    {
        if (Peek(out signature) != 'v')
            return false;
        return TryEnter('v', signature);
    }

    /// <summary>Skips whatever the caller left unread in the current container and leaves it.</summary>
    public readonly void Exit()
    {
        while (Peek() != '\0')
            Skip();
        BusErrors.CheckRead(Interop.SdBus.sd_bus_message_exit_container(_message), "leave a D-Bus container");
    }

    /// <summary>Enters the next element when it is an a{sv} (a property or option dictionary).</summary>
    public readonly bool TryEnterProperties() => TryEnter('a', "{sv}");

    /// <summary>
    /// Moves to the next entry of an a{sv} entered with <see cref="TryEnterProperties"/>, leaving the reader inside the
    /// entry's variant, whose type is <paramref name="signature"/>: read it with a Try… method, or don't, the next call
    /// skips what was left. Returns false, having left the a{sv}, at its end.
    /// </summary>
    public readonly bool NextProperty(ref PropertyCursor cursor, out string name, out string signature)
    {
        if (cursor.InEntry)
        {
            Exit(); // the variant
            Exit(); // the dict entry
            cursor.InEntry = false;
        }
        name = "";
        signature = "";
        if (!TryEnter('e', "sv"))
        {
            Exit(); // the array
            return false;
        }
        if (!TryReadString(out name) || !TryEnterVariant(out signature))
            throw new DBusFormatException("an a{sv} entry without a string key and a variant");
        cursor.InEntry = true;
        return true;
    }

    readonly bool TryReadText(char type, out string value)
    {
        byte* text = null;
        bool ok = TryReadBasic(type, &text);
        value = ok ? SdBusConnection.FromUtf8Z(text) ?? "" : "";
        return ok;
    }

    readonly bool TryReadBasic(char type, void* value)
    {
        if (Peek() != type)
            return false;
        BusErrors.CheckRead(Interop.SdBus.sd_bus_message_read_basic(_message, (byte)type, value), $"read a '{type}' value");
        return true;
    }
}

namespace Ristbond.Modems.Bus;

/// <summary>What a dispatcher needs from a received message's header: its kind, who it answers, where it comes from.</summary>
internal static unsafe class BusMessage
{
    public enum Kind : byte
    {
        Unknown = 0,
        MethodCall = Interop.SdBus.SD_BUS_MESSAGE_METHOD_CALL,
        MethodReturn = Interop.SdBus.SD_BUS_MESSAGE_METHOD_RETURN,
        MethodError = Interop.SdBus.SD_BUS_MESSAGE_METHOD_ERROR,
        Signal = Interop.SdBus.SD_BUS_MESSAGE_SIGNAL,
    }

    public static Kind TypeOf(SdBusMessageHandle message)
    {
        byte type;
        return Interop.SdBus.sd_bus_message_get_type(message, &type) < 0 ? Kind.Unknown : (Kind)type;
    }

    /// <summary>The cookie of the call a reply answers (0 for signals).</summary>
    public static ulong ReplyCookie(SdBusMessageHandle message)
    {
        ulong cookie;
        return Interop.SdBus.sd_bus_message_get_reply_cookie(message, &cookie) < 0 ? 0 : cookie;
    }

    public static string Path(SdBusMessageHandle message) => SdBusConnection.FromUtf8Z(Interop.SdBus.sd_bus_message_get_path(message)) ?? "";

    public static string Interface(SdBusMessageHandle message) => SdBusConnection.FromUtf8Z(Interop.SdBus.sd_bus_message_get_interface(message)) ?? "";

    public static string Member(SdBusMessageHandle message) => SdBusConnection.FromUtf8Z(Interop.SdBus.sd_bus_message_get_member(message)) ?? "";

    public static string Sender(SdBusMessageHandle message) => SdBusConnection.FromUtf8Z(Interop.SdBus.sd_bus_message_get_sender(message)) ?? "";

    /// <summary>The error a METHOD_ERROR reply carries (sd-bus synthesises these for timeouts and a lost connection).</summary>
    public static BusError ErrorOf(SdBusMessageHandle message) => BusErrors.FromNative(Interop.SdBus.sd_bus_message_get_error(message), -5);
}

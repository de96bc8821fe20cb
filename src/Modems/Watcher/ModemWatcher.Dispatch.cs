using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;
using Ristbond.Modems.ModemManager;
using Ristbond.Platform;

namespace Ristbond.Modems;

// What the watcher thread does with each message: signals update the table, replies are matched to the call they
// answer by cookie. Replies from before ModemManager's last appearance (an older generation) are dropped.
public sealed partial class ModemWatcher
{
    enum CallKind
    {
        GetNameOwner,
        GetManagedObjects,
        GetAllBearer,
        GetAllSignal,
        SignalSetup,
        Connect,
        ReenableOff,
        ReenableOn,
    }

    readonly record struct PendingCall(CallKind Kind, long Generation, string Path = "", ModemAction Action = default);

    readonly Dictionary<ulong, PendingCall> _pending = [];
    readonly PropertyTypeReporter _reporter;
    readonly ModemTable _table;
    string? _owner;
    bool _absenceLogged;
    long _generation;
    long _enumerateAtNanos = long.MaxValue;

    void Send(SdBusMessageHandle call, PendingCall what, TimeSpan? timeout = null)
    {
        using (call)
            _pending[_bus!.CallAsync(call, timeout ?? _options.CallTimeout)] = what;
    }

    void Handle(SdBusMessageHandle message, long now)
    {
        try
        {
            switch (BusMessage.TypeOf(message))
            {
                case BusMessage.Kind.Signal:
                    HandleSignal(message, now);
                    break;
                case BusMessage.Kind.MethodReturn or BusMessage.Kind.MethodError:
                    if (_pending.Remove(BusMessage.ReplyCookie(message), out PendingCall call))
                        HandleReply(call, message, BusMessage.TypeOf(message) == BusMessage.Kind.MethodReturn, now);
                    break;
            }
        }
        catch (DBusFormatException e)
        {
            // A message that does not parse as its signature promised: sd-bus validated it, so this is ModemManager
            // sending something unexpected. Skip it; the reporter keeps repeats out of the log.
            _reporter.WrongType(BusMessage.Path(message), $"{BusMessage.Interface(message)}.{BusMessage.Member(message)}", "(see log)", e.Message);
        }
        _touched = true;
    }

    void HandleSignal(SdBusMessageHandle message, long now)
    {
        string interfaceName = BusMessage.Interface(message);
        string member = BusMessage.Member(message);
        var reader = new DBusReader(message);
        if (interfaceName == ModemManagerNames.DBusName && member == "NameOwnerChanged")
        {
            if (reader.TryReadString(out string name) && name == ModemManagerNames.BusName
                && reader.TryReadString(out _) && reader.TryReadString(out string newOwner))
                OwnerChanged(newOwner.Length == 0 ? null : newOwner, now);
            return;
        }
        // Only the current owner speaks for ModemManager (the bus already filtered on the well-known name).
        if (_owner is null || BusMessage.Sender(message) != _owner)
            return;
        switch (interfaceName, member)
        {
            case (ModemManagerNames.ObjectManager, "InterfacesAdded"):
                _table.ApplyInterfacesAdded(ref reader, now);
                break;
            case (ModemManagerNames.ObjectManager, "InterfacesRemoved"):
                _table.ApplyInterfacesRemoved(ref reader);
                break;
            case (ModemManagerNames.Properties, "PropertiesChanged"):
                string path = BusMessage.Path(message);
                IReadOnlyList<string> invalidated = _table.ApplyPropertiesChanged(path, ref reader, now, out string changedInterface);
                if (invalidated.Count > 0 && _table.TryGetModem(path, out _) && changedInterface == ModemManagerNames.Signal)
                    Send(ModemManagerCalls.GetAll(_bus!, path, changedInterface), new PendingCall(CallKind.GetAllSignal, _generation, path));
                break;
        }
    }

    void HandleReply(PendingCall call, SdBusMessageHandle reply, bool ok, long now)
    {
        if (call.Kind != CallKind.GetNameOwner && call.Generation != _generation)
        {
            if (call.Kind is CallKind.Connect or CallKind.ReenableOff or CallKind.ReenableOn)
                _autoConnect?.Completed(call.Action, false, now);
            return;
        }
        BusError error = ok ? default : BusMessage.ErrorOf(reply);
        var reader = new DBusReader(reply);
        switch (call.Kind)
        {
            case CallKind.GetNameOwner:
                OwnerChanged(ok && reader.TryReadString(out string owner) ? owner : null, now);
                if (!ok && error.Name != BusError.NameHasNoOwner)
                    _log.LogWarning("could not ask the bus who owns {Name}: {Error}", ModemManagerNames.BusName, error);
                break;
            case CallKind.GetManagedObjects:
                if (ok)
                {
                    _table.ApplyManagedObjects(ref reader, now);
                }
                else
                {
                    _log.LogWarning("could not enumerate ModemManager's modems: {Error}; trying again in {Seconds} s", error, _options.RetryInterval.TotalSeconds);
                    _enumerateAtNanos = now + Nanos(_options.RetryInterval);
                }
                break;
            case CallKind.GetAllBearer:
                if (ok)
                    _table.ApplyBearerGetAll(call.Path, ref reader);
                else
                    _table.BearerReadFailed(call.Path, error, _log);
                break;
            case CallKind.GetAllSignal:
                if (_table.TryGetModem(call.Path, out ModemRecord? signalModem))
                {
                    signalModem.SignalReadInFlight = false;
                    if (ok)
                        _table.ApplyModemGetAll(call.Path, ModemManagerNames.Signal, ref reader, now);
                    else
                        signalModem.LastSignalReadNanos = now; // not again before the next interval
                }
                break;
            case CallKind.SignalSetup:
                if (_table.TryGetModem(call.Path, out ModemRecord? setupModem))
                {
                    setupModem.SignalSetupInFlight = false;
                    if (!ok)
                        _log.LogWarning("{Modem}: Modem.Signal.Setup({Rate}) failed: {Error}; trying again in 30 s",
                            Describe(call.Path), _options.SignalRateSeconds, error);
                }
                break;
            case CallKind.Connect:
            case CallKind.ReenableOff:
            case CallKind.ReenableOn:
                ActionReplied(call, ok, error, reader, now);
                break;
        }
    }

    /// <summary>ModemManager's owner on the bus changed: null when it left (or was never there).</summary>
    void OwnerChanged(string? owner, long now, bool announceAbsence = true)
    {
        if (owner is not null && owner == _owner)
            return;
        if (_owner is not null)
        {
            if (announceAbsence)
                _log.LogWarning("ModemManager left the system D-Bus: its modems are gone until it comes back");
            _generation++;
            _owner = null;
            Emit(new ModemEvent(ModemEventKind.ModemManagerVanished, now));
            _table.Clear();
            _enumerateAtNanos = long.MaxValue;
            Publish(now);
        }
        if (owner is null)
        {
            if (announceAbsence && !_absenceLogged)
                _log.LogWarning("ModemManager is not running (no owner for {Name} on the system D-Bus at {Address}): waiting for it to start",
                    ModemManagerNames.BusName, _bus?.Address);
            _absenceLogged = true;
            _touched = true;
            return;
        }
        _generation++;
        _owner = owner;
        _absenceLogged = false;
        _log.LogInformation("ModemManager is on the system D-Bus ({Owner}): enumerating modems", owner);
        Emit(new ModemEvent(ModemEventKind.ModemManagerAppeared, now, Detail: owner));
        _enumerateAtNanos = now;
        _touched = true;
    }

    string Describe(string path) => _table.TryGetModem(path, out ModemRecord? modem) ? modem.ToSnapshot(_table.Bearers).ToString() : $"modem {path}";
}

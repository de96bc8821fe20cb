using Microsoft.Extensions.Logging;
using Ristbond.Modems.Bus;

namespace Ristbond.Modems.ModemManager;

/// <summary>
/// What ModemManager told us, kept by the one thread that reads the bus: modems from its ObjectManager tree,
/// bearers from Properties.GetAll. Takes messages (already matched to what they are) and keeps track of which
/// modems appeared, went away or changed, for the watcher to publish as snapshots and events.
/// </summary>
internal sealed class ModemTable(PropertyTypeReporter report)
{
    readonly SortedDictionary<string, ModemRecord> _modems = new(StringComparer.Ordinal);
    readonly Dictionary<string, BearerRecord> _bearers = new(StringComparer.Ordinal);
    readonly List<string> _added = [];
    readonly List<ModemSnapshot> _removed = [];

    public IEnumerable<ModemRecord> Modems => _modems.Values;

    public IReadOnlyDictionary<string, BearerRecord> Bearers => _bearers;

    public bool TryGetModem(string path, out ModemRecord modem) => _modems.TryGetValue(path, out modem!);

    public bool IsBearer(string path) => _bearers.ContainsKey(path);

    /// <summary>A GetManagedObjects reply (a{oa{sa{sv}}}): every modem ModemManager has; modems not in it are dropped.</summary>
    public void ApplyManagedObjects(ref DBusReader reader, long nowNanos)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!reader.TryEnter('a', "{oa{sa{sv}}}"))
        {
            report.WrongType(ModemManagerNames.ObjectPath, "GetManagedObjects", "a{oa{sa{sv}}}", reader.Peek(out string c) + c);
            return;
        }
        while (reader.TryEnter('e', "oa{sa{sv}}"))
        {
            if (reader.TryReadObjectPath(out string path) && ApplyInterfaces(ref reader, path, nowNanos))
                seen.Add(path);
            reader.Exit();
        }
        reader.Exit();
        foreach (string path in _modems.Keys.Where(p => !seen.Contains(p)).ToList())
            Remove(path);
    }

    /// <summary>ObjectManager.InterfacesAdded (o, a{sa{sv}}): a new modem, or new interfaces (Signal, 3GPP) on one.</summary>
    public void ApplyInterfacesAdded(ref DBusReader reader, long nowNanos)
    {
        if (reader.TryReadObjectPath(out string path))
            ApplyInterfaces(ref reader, path, nowNanos);
    }

    /// <summary>ObjectManager.InterfacesRemoved (o, as): the modem is gone when its Modem interface is.</summary>
    public void ApplyInterfacesRemoved(ref DBusReader reader)
    {
        if (!reader.TryReadObjectPath(out string path) || !_modems.TryGetValue(path, out ModemRecord? modem) || !reader.TryEnter('a', "s"))
            return;
        while (reader.TryReadString(out string name))
        {
            switch (name)
            {
                case ModemManagerNames.Modem:
                    Remove(path);
                    break;
                case ModemManagerNames.Modem3gpp:
                    modem.Set(ref modem.Has3gpp, false);
                    break;
                case ModemManagerNames.Signal:
                    modem.Set(ref modem.HasSignal, false);
                    break;
            }
        }
        reader.Exit();
    }

    /// <summary>Properties.PropertiesChanged (s, a{sv}, as) on a modem or bearer; returns the invalidated names, to be re-read.</summary>
    public IReadOnlyList<string> ApplyPropertiesChanged(string path, ref DBusReader reader, long nowNanos, out string interfaceName)
    {
        if (!reader.TryReadString(out interfaceName))
            return [];
        if (_modems.TryGetValue(path, out ModemRecord? modem))
        {
            ModemProperties.Apply(ref reader, interfaceName, modem, nowNanos, report);
            TrackBearers(modem);
        }
        else if (interfaceName == ModemManagerNames.Bearer && _bearers.TryGetValue(path, out BearerRecord? bearer))
            ApplyBearer(ref reader, bearer, complete: false);
        else
            return [];
        var invalidated = new List<string>();
        if (reader.TryEnter('a', "s"))
        {
            while (reader.TryReadString(out string name))
                invalidated.Add(name);
            reader.Exit();
        }
        return invalidated;
    }

    /// <summary>A Properties.GetAll reply for one interface of a modem (Modem.Signal re-reads).</summary>
    public void ApplyModemGetAll(string path, string interfaceName, ref DBusReader reader, long nowNanos)
    {
        if (_modems.TryGetValue(path, out ModemRecord? modem))
        {
            ModemProperties.Apply(ref reader, interfaceName, modem, nowNanos, report);
            TrackBearers(modem);
        }
    }

    /// <summary>A Properties.GetAll reply for a bearer.</summary>
    public void ApplyBearerGetAll(string path, ref DBusReader reader)
    {
        if (_bearers.TryGetValue(path, out BearerRecord? bearer))
            ApplyBearer(ref reader, bearer, complete: true);
    }

    /// <summary>Bearers some modem lists that have not been read yet (each is returned once until its read completes).</summary>
    public List<string> BearersToRead()
    {
        var toRead = new List<string>();
        foreach (BearerRecord bearer in _bearers.Values)
        {
            if (!bearer.Loaded && !bearer.ReadInFlight)
            {
                bearer.ReadInFlight = true;
                toRead.Add(bearer.Path);
            }
        }
        return toRead;
    }

    /// <summary>
    /// A bearer's GetAll failed (typically: it was deleted in between). It counts as read, not connected, so it is
    /// not asked for again every tick; a PropertiesChanged from it still updates it.
    /// </summary>
    public void BearerReadFailed(string path, BusError error, ILogger log)
    {
        if (!_bearers.TryGetValue(path, out BearerRecord? bearer))
            return;
        bearer.ReadInFlight = false;
        bearer.Loaded = true;
        log.LogDebug("bearer {Path}: could not read its properties: {Error}", path, error);
    }

    /// <summary>Forgets everything (ModemManager left the bus); every modem is reported removed.</summary>
    public void Clear()
    {
        foreach (string path in _modems.Keys.ToList())
            Remove(path);
        _bearers.Clear();
    }

    /// <summary>Modems added and removed since the last call, and modems changed (their Changed flag is cleared).</summary>
    public (List<string> Added, List<ModemSnapshot> Removed, List<string> Changed) TakeChanges()
    {
        var added = new List<string>(_added);
        var removed = new List<ModemSnapshot>(_removed);
        var changed = new List<string>();
        foreach (ModemRecord modem in _modems.Values)
        {
            if (modem.Changed && !added.Contains(modem.Path))
                changed.Add(modem.Path);
            modem.Changed = false;
        }
        _added.Clear();
        _removed.Clear();
        return (added, removed, changed);
    }

    public List<ModemSnapshot> Snapshot()
    {
        var snapshots = new List<ModemSnapshot>(_modems.Count);
        foreach (ModemRecord modem in _modems.Values)
            snapshots.Add(modem.ToSnapshot(_bearers));
        return snapshots;
    }

    /// <summary>Reads a{sa{sv}} for one object; returns true when the object is (now) a modem.</summary>
    bool ApplyInterfaces(ref DBusReader reader, string path, long nowNanos)
    {
        if (!reader.TryEnter('a', "{sa{sv}}"))
            return _modems.ContainsKey(path);
        while (reader.TryEnter('e', "sa{sv}"))
        {
            if (reader.TryReadString(out string interfaceName))
            {
                ModemRecord? modem = interfaceName == ModemManagerNames.Modem ? GetOrAdd(path, nowNanos) : _modems.GetValueOrDefault(path);
                if (modem is null)
                {
                    reader.Skip(); // an interface on an object that is not (yet) a modem
                }
                else
                {
                    if (interfaceName == ModemManagerNames.Modem3gpp)
                        modem.Set(ref modem.Has3gpp, true);
                    else if (interfaceName == ModemManagerNames.Signal)
                        modem.Set(ref modem.HasSignal, true);
                    ModemProperties.Apply(ref reader, interfaceName, modem, nowNanos, report);
                    TrackBearers(modem);
                }
            }
            reader.Exit();
        }
        reader.Exit();
        return _modems.ContainsKey(path);
    }

    ModemRecord GetOrAdd(string path, long nowNanos)
    {
        if (!_modems.TryGetValue(path, out ModemRecord? modem))
        {
            modem = new ModemRecord(path, nowNanos);
            _modems.Add(path, modem);
            _added.Add(path);
        }
        return modem;
    }

    void Remove(string path)
    {
        if (!_modems.Remove(path, out ModemRecord? modem))
            return;
        if (!_added.Remove(path))
            _removed.Add(modem.ToSnapshot(_bearers));
        DropUnreferencedBearers();
    }

    /// <summary>A GetAll reply is <paramref name="complete"/>; a PropertiesChanged carries only what changed, so it does not make the bearer read.</summary>
    void ApplyBearer(ref DBusReader reader, BearerRecord bearer, bool complete)
    {
        if (complete)
        {
            bearer.Loaded = true;
            bearer.ReadInFlight = false;
        }
        if (!ModemProperties.ApplyBearer(ref reader, bearer, report))
            return;
        foreach (ModemRecord modem in _modems.Values)
        {
            if (modem.BearerPaths.Contains(bearer.Path))
                modem.Changed = true;
        }
    }

    /// <summary>After a modem's Bearers changed: new bearers get a record (read later), dropped ones are forgotten.</summary>
    void TrackBearers(ModemRecord modem)
    {
        foreach (string path in modem.BearerPaths)
            _bearers.TryAdd(path, new BearerRecord(path));
        DropUnreferencedBearers();
    }

    void DropUnreferencedBearers()
    {
        if (_bearers.Count == 0)
            return;
        var referenced = new HashSet<string>(_modems.Values.SelectMany(m => m.BearerPaths), StringComparer.Ordinal);
        foreach (string path in _bearers.Keys.Where(p => !referenced.Contains(p)).ToList())
            _bearers.Remove(path);
    }
}

namespace Ristbond.Modems.ModemManager;

/// <summary>
/// The watcher thread's working copy of one modem, updated property by property as ModemManager reports them.
/// Never shared: <see cref="ToSnapshot"/> makes the immutable value other threads see. Setters note whether a
/// value really changed, so a re-read that changes nothing raises no event.
/// </summary>
internal sealed class ModemRecord(string path, long createdNanos)
{
    public string Path { get; } = path;
    public bool Changed { get; set; } = true;

    public string? Manufacturer;
    public string? Model;
    public string? ImeiLast4;
    public string? Device;
    public ModemState State;
    public long StateSinceNanos = createdNanos;
    public ModemStateFailedReason FailedReason;
    public AccessTechnologies AccessTechnologies;
    public uint SignalQualityPercent;
    public bool SignalQualityRecent;
    public List<string> BearerPaths = [];

    public bool Has3gpp;
    public string? OperatorName;
    public RegistrationState? Registration;

    public bool HasSignal;
    public uint SignalRate;
    public SignalReading? Lte;
    public SignalReading? Nr5g;

    // Watcher bookkeeping, not ModemManager state.
    public long LastSignalReadNanos;
    public bool SignalReadInFlight;
    public bool SignalSetupInFlight;
    public long LastSignalSetupNanos = long.MinValue;

    public void Set<T>(ref T field, T value)
    {
        if (EqualityComparer<T>.Default.Equals(field, value))
            return;
        field = value;
        Changed = true;
    }

    public void SetState(ModemState state, long nowNanos)
    {
        if (State == state)
            return;
        State = state;
        StateSinceNanos = nowNanos;
        Changed = true;
    }

    /// <summary>A new reading always replaces the old (its time matters); only different values count as a change.</summary>
    public void SetReading(ref SignalReading? field, SignalReading? reading)
    {
        bool sameValues = field is SignalReading old && reading is SignalReading now
            ? old with { ReceivedNanos = 0 } == now with { ReceivedNanos = 0 }
            : field is null && reading is null;
        field = reading;
        if (!sameValues)
            Changed = true;
    }

    public ModemSnapshot ToSnapshot(IReadOnlyDictionary<string, BearerRecord> bearers)
    {
        var bearerSnapshots = new List<BearerSnapshot>(BearerPaths.Count);
        foreach (string bearerPath in BearerPaths)
        {
            bearerSnapshots.Add(bearers.TryGetValue(bearerPath, out BearerRecord? bearer)
                ? bearer.ToSnapshot()
                : new BearerSnapshot(bearerPath, null, false, null, 0));
        }
        return new ModemSnapshot
        {
            Path = Path,
            Identity = new ModemIdentity(Manufacturer, Model, ImeiLast4),
            Device = Device,
            State = State,
            StateSinceNanos = StateSinceNanos,
            FailedReason = FailedReason,
            AccessTechnologies = AccessTechnologies,
            SignalQualityPercent = SignalQualityPercent,
            SignalQualityRecent = SignalQualityRecent,
            OperatorName = Has3gpp ? OperatorName : null,
            Registration = Has3gpp ? Registration : null,
            SignalRateSeconds = HasSignal ? SignalRate : 0,
            Lte = HasSignal ? Lte : null,
            Nr5g = HasSignal ? Nr5g : null,
            Bearers = bearerSnapshots,
        };
    }
}

/// <summary>The watcher thread's working copy of one bearer. Bearers are outside ModemManager's ObjectManager tree.</summary>
internal sealed class BearerRecord(string path)
{
    public string Path { get; } = path;
    public bool Loaded;
    public bool ReadInFlight;
    public string? Interface;
    public bool Connected;
    public string? Ip4Address;
    public uint Ip4Prefix;

    public BearerSnapshot ToSnapshot() => new(Path, Interface, Connected, Ip4Address, Ip4Prefix);
}

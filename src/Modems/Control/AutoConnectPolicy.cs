using Ristbond.Platform;

namespace Ristbond.Modems;

/// <summary>
/// What the watcher needs to bring modems online by itself. Without it the watcher only watches (a system where
/// NetworkManager or an operator connects the modems).
/// </summary>
public sealed record AutoConnectOptions
{
    /// <summary>The access point name handed to Simple.Connect ("apn").</summary>
    public required string Apn { get; init; }
    /// <summary>The SIM PIN ("pin"); with it a LOCKED modem is unlocked by Simple.Connect. Never logged.</summary>
    public string? Pin { get; init; }
    public string? User { get; init; }
    /// <summary>Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Time between two connect attempts on one modem (counted from the end of a failed one).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A modem FAILED, or enabled but not registered (ENABLED, SEARCHING), this long is re-enabled.</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long Simple.Connect may take (it waits for registration): the D-Bus call's timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Shown in logs instead of the record's generated text, which would print the PIN and password.</summary>
    public override string ToString() => $"apn={Apn}{(Pin is null ? "" : " pin=***")}{(User is null ? "" : $" user={User}")}{(Password is null ? "" : " password=***")}";
}

public enum ModemActionKind
{
    /// <summary>Modem.Simple.Connect with the configured APN (and PIN, user, password).</summary>
    Connect,
    /// <summary>Modem.Enable(false), then Modem.Enable(true).</summary>
    Reenable,
}

/// <summary>One thing to do to one modem, and why (a line for the log).</summary>
public readonly record struct ModemAction(ModemActionKind Kind, string Path, string Reason);

/// <summary>
/// Decides, from snapshots and the time, when to connect a modem and when to re-enable a stuck one. Pure: no bus,
/// no clock, no thread; the watcher carries the actions out and reports how they ended (<see cref="Completed"/>).
/// <list type="bullet">
/// <item>Connect: a modem REGISTERED without a connected bearer, DISABLED (nobody enabled it: Simple.Connect enables),
/// or LOCKED when a PIN is configured (Simple.Connect unlocks). At most one attempt in flight per modem, and
/// <see cref="AutoConnectOptions.RetryInterval"/> between a failed attempt and the next.</item>
/// <item>Re-enable: a modem FAILED, or ENABLED/SEARCHING (enabled but not registered), continuously for
/// <see cref="AutoConnectOptions.StuckAfter"/>; then the clock starts again, so it is retried at that pace.</item>
/// </list>
/// </summary>
public sealed class AutoConnectPolicy(AutoConnectOptions options)
{
    sealed class ModemMemory
    {
        public bool InFlight;
        public long NextConnectNanos = long.MinValue;
        public long StuckSinceNanos = long.MinValue;
    }

    readonly Dictionary<string, ModemMemory> _memory = new(StringComparer.Ordinal);
    readonly long _retryNanos = ToNanos(options.RetryInterval);
    readonly long _stuckNanos = ToNanos(options.StuckAfter);

    public AutoConnectOptions Options { get; } = options;

    /// <summary>What to do now. Call it regularly (the watcher does, once a second); an action is returned once.</summary>
    public IReadOnlyList<ModemAction> Decide(IReadOnlyList<ModemSnapshot> modems, long nowNanos)
    {
        List<ModemAction>? actions = null;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (ModemSnapshot modem in modems)
        {
            present.Add(modem.Path);
            ModemMemory memory = Remember(modem.Path);
            if (memory.InFlight)
                continue;
            if (Decide(modem, memory, nowNanos) is ModemAction action)
            {
                memory.InFlight = true;
                (actions ??= []).Add(action);
            }
        }
        foreach (string gone in _memory.Keys.Where(p => !present.Contains(p)).ToList())
            _memory.Remove(gone);
        return actions ?? (IReadOnlyList<ModemAction>)[];
    }

    /// <summary>An action returned by <see cref="Decide(IReadOnlyList{ModemSnapshot}, long)"/> has ended (its D-Bus call replied or failed).</summary>
    public void Completed(ModemAction action, bool succeeded, long nowNanos)
    {
        if (!_memory.TryGetValue(action.Path, out ModemMemory? memory))
            return;
        memory.InFlight = false;
        if (action.Kind == ModemActionKind.Connect)
            memory.NextConnectNanos = succeeded ? long.MinValue : nowNanos + _retryNanos;
    }

    ModemAction? Decide(ModemSnapshot modem, ModemMemory memory, long nowNanos)
    {
        bool stuck = modem.State is ModemState.Failed or ModemState.Enabled or ModemState.Searching;
        if (!stuck)
        {
            memory.StuckSinceNanos = long.MinValue;
        }
        else
        {
            if (memory.StuckSinceNanos == long.MinValue)
                memory.StuckSinceNanos = nowNanos;
            long stuckFor = nowNanos - memory.StuckSinceNanos;
            if (stuckFor >= _stuckNanos)
            {
                memory.StuckSinceNanos = nowNanos; // the next re-enable only after another full StuckAfter
                string why = modem.State == ModemState.Failed
                    ? $"failed ({ModemManagerText.Of(modem.FailedReason)})"
                    : $"{ModemManagerText.Of(modem.State)}, not registered";
                return new ModemAction(ModemActionKind.Reenable, modem.Path, $"{why} for {Seconds(stuckFor)} s: re-enabling");
            }
            return null;
        }

        if (modem.ConnectedBearer is not null)
        {
            memory.NextConnectNanos = long.MinValue;
            return null;
        }
        string? reason = modem.State switch
        {
            ModemState.Registered => "registered without a connected bearer",
            ModemState.Disabled => "disabled",
            ModemState.Locked when !string.IsNullOrEmpty(Options.Pin) => "locked, PIN configured",
            _ => null,
        };
        if (reason is null || nowNanos < memory.NextConnectNanos)
            return null;
        return new ModemAction(ModemActionKind.Connect, modem.Path, $"{reason}: connecting to APN {Options.Apn}");
    }

    ModemMemory Remember(string path)
    {
        if (!_memory.TryGetValue(path, out ModemMemory? memory))
            _memory[path] = memory = new ModemMemory();
        return memory;
    }

    static long ToNanos(TimeSpan span) => span.Ticks * (MonotonicClock.NanosPerSecond / TimeSpan.TicksPerSecond);

    static string Seconds(long nanos) => (nanos / MonotonicClock.NanosPerSecond).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

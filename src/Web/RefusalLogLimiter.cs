using System.Net;

namespace Ristbond.Web;

/// <summary>
/// What the status server says about one refused request (or a batch of them): either the request itself
/// (<see cref="Count"/> 0: the first from its address), or how many more came from <see cref="Address"/> since its
/// last line. A null address stands for the addresses beyond <see cref="RefusalLogLimiter.MaxAddresses"/>.
/// </summary>
public readonly record struct RefusalLine(IPAddress? Address, long Count)
{
    public bool IsSummary => Count > 0;

    public string Summary(TimeSpan interval) => Address is null
        ? $"status: {Count} more refused requests from other addresses in the last {interval.TotalSeconds:0} s (too many addresses to name each)"
        : $"status: {Count} more refused requests from {Address} in the last {interval.TotalSeconds:0} s";
}

/// <summary>
/// Keeps a scanner on the LAN from filling the journal with the status server's refusals. The first refused request
/// from an address is logged at once (with its method and path); further ones are only counted, and said as one
/// summary line per address at most once per <see cref="Interval"/>. An address quiet for a whole interval is
/// forgotten, so its next refusal is logged at once again. At most <see cref="MaxAddresses"/> addresses are tracked;
/// refusals from addresses beyond that are counted together. Time comes from the injected <see cref="TimeProvider"/>;
/// no timer inside: the server calls <see cref="Sweep"/> now and then.
/// </summary>
public sealed class RefusalLogLimiter(TimeProvider time, int maxAddresses = RefusalLogLimiter.DefaultMaxAddresses)
{
    public const int DefaultMaxAddresses = 256;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    sealed class Entry(long lastLineTimestamp)
    {
        public long LastLineTimestamp = lastLineTimestamp;
        public long Unsaid;
    }

    // Refusals arrive on Kestrel's request threads; they are rare and this is not the packet path, so one lock.
    readonly Dictionary<IPAddress, Entry> _addresses = [];
    readonly Entry _others = new(long.MinValue);

    public int MaxAddresses => maxAddresses;

    /// <summary>How many addresses are tracked now (bounded by <see cref="MaxAddresses"/>).</summary>
    public int Tracked
    {
        get
        {
            lock (_addresses)
                return _addresses.Count;
        }
    }

    /// <summary>A request from <paramref name="address"/> was refused: the line to log now, if any.</summary>
    public RefusalLine? Refused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        long now = time.GetTimestamp();
        lock (_addresses)
        {
            if (_addresses.TryGetValue(address, out Entry? entry))
            {
                if (entry.Unsaid == 0 && Due(entry, now))
                {
                    // Quiet for an interval (not yet forgotten by a sweep): news again.
                    entry.LastLineTimestamp = now;
                    return new RefusalLine(address, 0);
                }
                entry.Unsaid++;
                return Due(entry, now) ? Said(address, entry, now) : null;
            }
            if (_addresses.Count >= maxAddresses)
                Forget(now);
            if (_addresses.Count >= maxAddresses)
            {
                _others.Unsaid++;
                return _others.LastLineTimestamp == long.MinValue || Due(_others, now) ? Said(null, _others, now) : null;
            }
            _addresses[address] = new Entry(now);
            return new RefusalLine(address, 0);
        }
    }

    /// <summary>The summaries that are due (an interval since an address's last line, with refusals unsaid); forgets quiet addresses.</summary>
    public IReadOnlyList<RefusalLine> Sweep()
    {
        long now = time.GetTimestamp();
        var lines = new List<RefusalLine>();
        lock (_addresses)
        {
            foreach ((IPAddress address, Entry entry) in _addresses)
            {
                if (entry.Unsaid > 0 && Due(entry, now))
                    lines.Add(Said(address, entry, now));
            }
            if (_others.Unsaid > 0 && Due(_others, now))
                lines.Add(Said(null, _others, now));
            Forget(now);
        }
        return lines;
    }

    bool Due(Entry entry, long now) => time.GetElapsedTime(entry.LastLineTimestamp, now) >= Interval;

    static RefusalLine Said(IPAddress? address, Entry entry, long now)
    {
        var line = new RefusalLine(address, entry.Unsaid);
        entry.Unsaid = 0;
        entry.LastLineTimestamp = now;
        return line;
    }

    /// <summary>Drops the addresses with nothing unsaid whose last line is an interval old: their next refusal is news again.</summary>
    void Forget(long now)
    {
        foreach ((IPAddress address, Entry entry) in _addresses)
        {
            if (entry.Unsaid == 0 && Due(entry, now))
                _addresses.Remove(address);
        }
    }
}

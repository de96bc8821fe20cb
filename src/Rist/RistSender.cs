using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Rist;

/// <summary>
/// The bonded sender: one librist Main-profile context whose peers are the links, so all links carry one flow
/// with one sequence space and a packet lost on one link is retransmitted on another. librist spreads packets by
/// weighted round robin; we own the weights. Links can be added and removed while streaming.
/// Threads: one writer calls <see cref="Send"/>; link changes and weights come from the control thread; librist's
/// callbacks only copy numbers (they run under librist's peer-list lock, so they never call back into librist).
/// </summary>
public sealed partial class RistSender : IDatagramSink, IDisposable
{
    readonly RistContextHandle _context;
    readonly RistSenderOptions _options;
    readonly ILogger _log;
    readonly Lock _linkChanges = new();
    GCHandle _self;
    RistLink[] _links = []; // replaced, never modified: the packet path and callbacks read it without a lock
    bool _started;
    bool _disposed;

    // The write gate (see Send): a closed gate holds the writer while a peer is created or destroyed.
    int _gateClosed;
    int _writing;

    long _datagrams;
    long _bytes;
    long _writeErrors;

    RistSender(RistContextHandle context, RistSenderOptions options, ILogger log)
    {
        _context = context;
        _options = options;
        _log = log;
    }

    /// <summary>Every link, in the order added. An immutable snapshot: safe to enumerate on any thread.</summary>
    public ImmutableArray<RistLink> Links => ImmutableCollectionsMarshal.AsImmutableArray(Volatile.Read(ref _links));

    public uint FlowId { get; private set; }
    public long DatagramsSent => Interlocked.Read(ref _datagrams);
    public long BytesSent => Interlocked.Read(ref _bytes);
    /// <summary>Datagrams librist refused (e.g. while no link exists).</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    public static unsafe RistSender Create(RistSenderOptions options, ILogger log)
    {
        Interop.Rist.rist_logging_settings* logging = CreateLoggingSettings(log);
        int result = Interop.Rist.rist_sender_create(out RistContextHandle context, Interop.Rist.RIST_PROFILE_MAIN, options.FlowId, logging);
        if (result != 0 || context.IsInvalid)
        {
            NativeMemory.Free(logging);
            throw new RistbondException("Could not create the librist sender context", ExitCodes.RuntimeFailure);
        }
        var sender = new RistSender(context, options, log) { _loggingSettings = logging };
        sender._self = GCHandle.Alloc(sender);
        IntPtr self = GCHandle.ToIntPtr(sender._self);
        logging->log_cb_arg = self;
        Interop.Rist.rist_logging_set_global(logging);
        sender.Check(Interop.Rist.rist_stats_callback_set(context, options.StatsIntervalMs, &OnStats, self), "set the stats callback");
        sender.Check(Interop.Rist.rist_connection_status_callback_set(context, &OnConnectionStatus, self), "set the connection callback");
        sender.Check(Interop.Rist.rist_sender_flow_id_get(context, out uint flowId), "read the flow id");
        sender.FlowId = flowId;
        return sender;
    }

    /// <summary>Starts librist's sender thread. Links may be added before or after.</summary>
    public void Start()
    {
        Check(Interop.Rist.rist_start(_context), "start the sender");
        _started = true;
    }

    /// <summary>
    /// Adds a link calling the receiver at <paramref name="url"/>. The host is resolved here, once (librist would
    /// silently use a broken socket for a name it cannot resolve). Throws <see cref="RistbondException"/> naming the URL.
    /// </summary>
    public RistLink AddLink(string name, RistUrl url, uint weight, string culprit = "--output", string? reason = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!RistUrl.IsValidName(name))
            throw new RistbondException($"{culprit} '{url}': link name '{name}' must be 1-32 letters, digits, '-', '_' or '.'");
        IPEndPoint receiver = url.ResolveReceiver(culprit);
        string host = receiver.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{receiver.Address}]" : receiver.Address.ToString();
        int keepaliveMs = url["keepalive-interval"] is string k ? int.Parse(k, System.Globalization.CultureInfo.InvariantCulture) : _options.DefaultKeepaliveIntervalMs;
        string libristUrl = url.ToLibrist(
                new KeyValuePair<string, string>("weight", weight.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>("keepalive-interval", keepaliveMs.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Replace($"rist://{url.Host}:", $"rist://{host}:", StringComparison.Ordinal);

        lock (_linkChanges)
        {
            if (Links.Any(l => l.Name == name))
                throw new RistbondException($"{culprit} '{url}': there is already a link named '{name}'");
            if (Interop.Rist.rist_parse_address2(libristUrl, out IntPtr config) != 0 || config == IntPtr.Zero)
            {
                if (config != IntPtr.Zero)
                    Interop.Rist.rist_peer_config_free2(ref config);
                throw new RistbondException($"{culprit} '{url}': librist rejected the URL");
            }
            try
            {
                CloseGate();
                int created = Interop.Rist.rist_peer_create(_context, out IntPtr peer, config);
                OpenGate();
                if (created != 0 || peer == IntPtr.Zero)
                    throw new RistbondException($"{culprit} '{url}': librist could not create the peer", ExitCodes.RuntimeFailure);
                // The number the stats callback reports this peer by.
                uint peerId = Interop.Rist.rist_peer_get_id(peer);
                var link = new RistLink(name, url, receiver, peerId, new RistPeerHandle(peer, _context), weight, keepaliveMs);
                Volatile.Write(ref _links, [.. _links, link]);
                _log.LogInformation("link {Link}: added{Reason}, calling {Receiver} (weight {Weight})", name, Parenthesized(reason), url, weight);
                return link;
            }
            finally
            {
                Interop.Rist.rist_peer_config_free2(ref config);
            }
        }
    }

    /// <summary>Removes a link. Its packets in flight are recovered by the receiver over the other links.</summary>
    public void RemoveLink(RistLink link, string? reason = null, LogLevel level = LogLevel.Information)
    {
        lock (_linkChanges)
        {
            if (!Links.Contains(link))
                return;
            Volatile.Write(ref _links, _links.Where(l => l != link).ToArray());
            CloseGate();
            // librist 0.2.x leaves a destroyed peer's weight in its round-robin total, starving the others of
            // first transmissions; zeroing the weight first takes it out of the total.
            Interop.Rist.rist_peer_weight_set(_context, link.Peer.DangerousGetHandle(), 0);
            link.Peer.Dispose();
            OpenGate();
        }
        _log.Log(level, "link {Link}: removed{Reason}", link.Name, Parenthesized(reason));
    }

    /// <summary>Each change is logged once, here, with the caller's reason (a modem, a reload, the control socket).</summary>
    static string Parenthesized(string? reason) => reason is null ? "" : $" ({reason})";

    /// <summary>Hands a link's weight to librist. From the control thread only, never from a librist callback.</summary>
    public void SetWeight(RistLink link, uint weight)
    {
        if (link.Weight == weight)
            return;
        lock (_linkChanges)
        {
            if (!Links.Contains(link))
                return;
            Check(Interop.Rist.rist_peer_weight_set(_context, link.Peer.DangerousGetHandle(), weight), $"set the weight of link {link.Name}");
            link.SetWeight(weight);
        }
    }

    /// <summary>
    /// Queues one datagram for the links (librist copies it). The packet path: no allocation, no lock. The gate is
    /// a pair of flags (Dekker-style: each side publishes its flag, fences, then reads the other's); the writer only
    /// waits while a peer is being created or destroyed.
    /// </summary>
    public unsafe void Send(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Exchange(ref _writing, 1);
        while (Volatile.Read(ref _gateClosed) != 0)
        {
            Volatile.Write(ref _writing, 0);
            while (Volatile.Read(ref _gateClosed) != 0)
                Thread.Sleep(1);
            Interlocked.Exchange(ref _writing, 1);
        }
        int result;
        fixed (byte* payload = datagram)
        {
            Interop.Rist.rist_data_block block = default;
            block.payload = payload;
            block.payload_len = (nuint)datagram.Length;
            result = Interop.Rist.rist_sender_data_write(_context, &block);
        }
        Volatile.Write(ref _writing, 0);
        if (result < 0)
        {
            Interlocked.Increment(ref _writeErrors);
            return;
        }
        Interlocked.Increment(ref _datagrams);
        Interlocked.Add(ref _bytes, datagram.Length);
    }

    void CloseGate()
    {
        if (!_started)
            return;
        Interlocked.Exchange(ref _gateClosed, 1);
        SpinWait spin = default;
        while (Volatile.Read(ref _writing) != 0)
            spin.SpinOnce();
        Thread.Sleep(_options.PeerChangeQuietMs);
    }

    void OpenGate() => Volatile.Write(ref _gateClosed, 0);

    void Check(int result, string what)
    {
        if (result != 0)
            throw new RistbondException($"Could not {what}: librist returned {result}", ExitCodes.RuntimeFailure);
    }

    public unsafe void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (_linkChanges)
        {
            foreach (RistLink link in Links)
                link.Peer.LeaveToContext();
            _links = [];
        }
        _context.Dispose(); // rist_destroy stops and joins librist's threads, then frees the peers: no callback runs after this
        Interop.Rist.rist_logging_unset_global();
        if (_self.IsAllocated)
            _self.Free();
        NativeMemory.Free(_loggingSettings);
        _loggingSettings = null;
    }
}

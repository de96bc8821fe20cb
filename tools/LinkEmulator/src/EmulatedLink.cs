using System.Net;
using System.Net.Sockets;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// One emulated cellular link: a UDP relay between a client (the sender) and a target (the receiver), with an
/// independent impairment profile per direction.
///
///   client ──► listen socket ──[up: rate, queue, delay, jitter, loss]──► outbound socket ──► target
///   client ◄── listen socket ◄──[down: same, its own profile]────────── outbound socket ◄── target
///
/// The listen socket remembers the last client address (down packets go there). The outbound socket is bound
/// to an ephemeral port of its own, so the target sees a distinct source port per link, as it would per modem.
/// Anything arriving on the outbound socket is taken to come from the target.
///
/// Profiles and blackouts change live from any thread; counters are readable as snapshots from any thread.
/// Sockets are bound in the constructor (so <see cref="ListenEndPoint"/> is known and a busy port fails early);
/// <see cref="Start"/> starts the four loops (receive and send, per direction).
/// </summary>
public sealed class EmulatedLink : IDisposable
{
    readonly Socket _listenSocket;
    readonly Socket _outboundSocket;
    readonly DirectionRelay _up;
    readonly DirectionRelay _down;
    int _blackoutOn;
    long _blackoutUntilNanos = long.MinValue;
    int _started;
    volatile bool _stopping;
    Exception? _fault;

    public EmulatedLink(string name, IPEndPoint listen, IPEndPoint target, DirectionProfile up, DirectionProfile down,
        ulong seed, RelayOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new RistbondException("A link needs a non-empty name.");
        up.Validate($"link {name} up");
        down.Validate($"link {name} down");
        options ??= RelayOptions.Default;
        Name = name;
        Target = target;

        _listenSocket = OpenSocket(listen, options, $"Could not listen for link {name} on {listen}");
        try
        {
            var anyPort = new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            _outboundSocket = OpenSocket(anyPort, options, $"Could not open the outbound socket of link {name}");
        }
        catch
        {
            _listenSocket.Dispose();
            throw;
        }
        ListenEndPoint = (IPEndPoint)_listenSocket.LocalEndPoint!;
        OutboundEndPoint = (IPEndPoint)_outboundSocket.LocalEndPoint!;

        var client = new PeerAddress(null);
        _up = new DirectionRelay(this, Direction.Up, up, seed, _listenSocket, _outboundSocket, new PeerAddress(target), client, options);
        _down = new DirectionRelay(this, Direction.Down, down, seed, _outboundSocket, _listenSocket, client, null, options);
    }

    public EmulatedLink(LinkConfig config, ulong seed, RelayOptions? options = null)
        : this(config.Name, config.Listen, config.Target, config.Up, config.Down, seed, options)
    {
    }

    public string Name { get; }

    /// <summary>Where the client sends; the actual port when the configured one was 0.</summary>
    public IPEndPoint ListenEndPoint { get; }

    /// <summary>The local end of the outbound socket: the source address the target sees.</summary>
    public IPEndPoint OutboundEndPoint { get; }

    public IPEndPoint Target { get; }

    public DirectionProfile UpProfile => _up.Model.Profile;
    public DirectionProfile DownProfile => _down.Model.Profile;

    /// <summary>Replaces the up (client→target) profile; applies to packets arriving from now on.</summary>
    public void SetUp(DirectionProfile profile)
    {
        profile.Validate($"link {Name} up");
        _up.Model.Profile = profile;
    }

    /// <summary>Replaces the down (target→client) profile; applies to packets arriving from now on.</summary>
    public void SetDown(DirectionProfile profile)
    {
        profile.Validate($"link {Name} down");
        _down.Model.Profile = profile;
    }

    public DirectionProfile GetProfile(Direction direction) => direction == Direction.Up ? UpProfile : DownProfile;

    public void SetProfile(Direction direction, DirectionProfile profile)
    {
        if (direction == Direction.Up)
            SetUp(profile);
        else
            SetDown(profile);
    }

    // ---- blackout --------------------------------------------------------------------------------------

    /// <summary>Drops everything in both directions while on, including packets already queued when it starts.</summary>
    public void SetBlackout(bool on) => Volatile.Write(ref _blackoutOn, on ? 1 : 0);

    /// <summary>Blacks the link out from now for <paramref name="duration"/> (replacing a timed blackout in progress).</summary>
    public void BlackoutFor(TimeSpan duration) =>
        Volatile.Write(ref _blackoutUntilNanos, MonotonicClock.NowNanos + (long)(duration.TotalMilliseconds * 1e6));

    public bool IsBlackedOutNow => IsBlackedOut(MonotonicClock.NowNanos);

    internal bool IsBlackedOut(long nowNanos) =>
        Volatile.Read(ref _blackoutOn) != 0 || nowNanos < Volatile.Read(ref _blackoutUntilNanos);

    // ---- counters and health ---------------------------------------------------------------------------

    public LinkCounters UpCounters => _up.Snapshot();
    public LinkCounters DownCounters => _down.Snapshot();
    public LinkCounters GetCounters(Direction direction) => direction == Direction.Up ? UpCounters : DownCounters;

    /// <summary>Set when one of the link's loops died; the link no longer relays in that direction.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    internal bool IsStopping => _stopping;

    internal void ReportFault(Direction direction, string loop, Exception e)
    {
        if (_stopping)
            return;
        var fault = new RistbondException(
            $"Link {Name}: the {direction.ToString().ToLowerInvariant()} {loop} loop died: {e.Message}", ExitCodes.InternalError, e);
        Interlocked.CompareExchange(ref _fault, fault, null);
    }

    // ---- life ------------------------------------------------------------------------------------------

    public void Start()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException($"Link {Name} is already started.");
        _up.Start();
        _down.Start();
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        // Closing the sockets wakes the receive loops out of recvfrom; the send loops see the flag within MaxSleep.
        _listenSocket.Dispose();
        _outboundSocket.Dispose();
        _up.Join(TimeSpan.FromSeconds(2));
        _down.Join(TimeSpan.FromSeconds(2));
    }

    public override string ToString() =>
        $"{Name}: {ListenEndPoint} → {Target} via {OutboundEndPoint}; up {UpProfile.Describe()}; down {DownProfile.Describe()}";

    static Socket OpenSocket(IPEndPoint bindTo, RelayOptions options, string what)
    {
        var socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = options.SocketBufferBytes;
            socket.SendBufferSize = options.SocketBufferBytes;
            socket.Bind(bindTo);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new RistbondException($"{what}: {e.Message}", ExitCodes.RuntimeFailure, e);
        }
    }
}

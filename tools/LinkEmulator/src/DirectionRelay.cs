using System.Net;
using System.Net.Sockets;
using Ristbond.Platform;

namespace Ristbond.LinkEmulator;

/// <summary>
/// Where a direction sends to. Up: the target, fixed. Down: the client, learned from the last datagram the up
/// direction received (a new copy only when the client's address changes, so steady state allocates nothing).
/// </summary>
internal sealed class PeerAddress
{
    SocketAddress? _current;

    public PeerAddress(IPEndPoint? fixedPeer) => _current = fixedPeer?.Serialize();

    public SocketAddress? Current => Volatile.Read(ref _current);

    public void Learn(SocketAddress from)
    {
        SocketAddress? current = _current;
        if (current is not null && current.Equals(from))
            return;
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(copy.Buffer.Span);
        Volatile.Write(ref _current, copy);
    }
}

/// <summary>
/// One direction of a link, as two named loops over one <see cref="DelayLine"/>:
/// the receive loop reads a datagram, asks <see cref="ImpairmentModel"/> for its fate and, if it survives,
/// copies it into the delay line; the send loop sleeps (clock_nanosleep, absolute) until the oldest datagram is
/// due and sends it. Buffers are allocated here, once; the loops allocate nothing per packet and take no lock.
/// </summary>
internal sealed class DirectionRelay
{
    // The largest UDP payload over IPv6 jumbo-less paths fits in 64 KiB.
    const int MaxDatagramBytes = 65536;

    readonly EmulatedLink _link;
    readonly Direction _direction;
    readonly Socket _receiveSocket;
    readonly Socket _sendSocket;
    readonly PeerAddress _destination;
    readonly PeerAddress? _learnSenderInto;
    readonly DelayLine _delayLine;
    readonly long _maxSleepNanos;
    readonly ManualResetEventSlim _packetQueued = new(false, spinCount: 0);
    int _sendLoopWaiting;
    Thread? _receiveThread, _sendThread;

    public ImpairmentModel Model { get; }
    public DirectionCounters Counters { get; } = new();

    /// <param name="learnSenderInto">Where to record who sent each datagram (the up direction teaches the down one
    /// its destination); null to ignore the sender.</param>
    public DirectionRelay(EmulatedLink link, Direction direction, DirectionProfile profile, ulong seed,
        Socket receiveSocket, Socket sendSocket, PeerAddress destination, PeerAddress? learnSenderInto, RelayOptions options)
    {
        _link = link;
        _direction = direction;
        _receiveSocket = receiveSocket;
        _sendSocket = sendSocket;
        _destination = destination;
        _learnSenderInto = learnSenderInto;
        _delayLine = new DelayLine(options.DelayLineBytes, options.DelayLinePackets);
        _maxSleepNanos = (long)(options.MaxSleep.TotalMilliseconds * 1e6);
        Model = new ImpairmentModel(profile, seed, link.Name, direction);
    }

    public LinkCounters Snapshot() => Counters.Snapshot(Model.QueueDelayMs(MonotonicClock.NowNanos));

    public void Start()
    {
        string tag = _direction == Direction.Up ? "up" : "dn";
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"emu {_link.Name} {tag} rx" };
        _sendThread = new Thread(SendLoop) { IsBackground = true, Name = $"emu {_link.Name} {tag} tx" };
        _receiveThread.Start();
        _sendThread.Start();
    }

    /// <summary>Called after the link's stop flag is set and its sockets are closed.</summary>
    public void Join(TimeSpan timeout)
    {
        _packetQueued.Set();
        _receiveThread?.Join(timeout);
        _sendThread?.Join(timeout);
        _packetQueued.Dispose();
    }

    // ---- receive loop ----------------------------------------------------------------------------------

    void ReceiveLoop()
    {
        try
        {
            byte[] buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramBytes);
            var sender = new SocketAddress(_receiveSocket.AddressFamily);
            while (!_link.IsStopping)
            {
                int length;
                try
                {
                    length = _receiveSocket.ReceiveFrom(buffer, SocketFlags.None, sender);
                }
                catch (Exception e) when ((e is SocketException or ObjectDisposedException) && _link.IsStopping)
                {
                    return;
                }
                catch (SocketException e) when (IsTransient(e.SocketErrorCode))
                {
                    continue;
                }
                long now = MonotonicClock.NowNanos;
                _learnSenderInto?.Learn(sender);
                OnDatagram(buffer.AsSpan(0, length), now);
            }
        }
        catch (Exception e)
        {
            _link.ReportFault(_direction, "receive", e);
        }
    }

    void OnDatagram(ReadOnlySpan<byte> datagram, long nowNanos)
    {
        Counters.CountIn(datagram.Length);
        bool noRoom = !_delayLine.HasRoom(datagram.Length);
        PacketFate fate = Model.Admit(nowNanos, datagram.Length, _link.IsBlackedOut(nowNanos), noRoom, out long departure);
        if (fate != PacketFate.Forward)
        {
            Counters.Count(fate);
            return;
        }
        _delayLine.Enqueue(datagram, departure);
        // Dekker handshake with WaitForPacket: publish, full fence, then look at the waiting flag.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sendLoopWaiting) != 0)
            _packetQueued.Set();
    }

    // ---- send loop -------------------------------------------------------------------------------------

    void SendLoop()
    {
        try
        {
            while (!_link.IsStopping)
            {
                if (!_delayLine.TryPeek(out long departure))
                {
                    WaitForPacket();
                    continue;
                }
                long now = MonotonicClock.NowNanos;
                if (departure > now)
                {
                    // Absolute deadline: oversleeping one packet does not shift the schedule of the next.
                    MonotonicClock.SleepUntil(Math.Min(departure, now + _maxSleepNanos));
                    continue;
                }
                Send(_delayLine.PeekDatagram(), now);
                _delayLine.Dequeue();
            }
        }
        catch (Exception e)
        {
            _link.ReportFault(_direction, "send", e);
        }
    }

    void Send(ReadOnlySpan<byte> datagram, long nowNanos)
    {
        // Checked again on departure so that nothing leaves during a blackout, not even packets admitted before it.
        if (_link.IsBlackedOut(nowNanos))
        {
            Counters.Count(PacketFate.DroppedBlackout);
            return;
        }
        SocketAddress? destination = _destination.Current;
        if (destination is null)
        {
            Counters.Count(PacketFate.DroppedOther);
            return;
        }
        try
        {
            _sendSocket.SendTo(datagram, SocketFlags.None, destination);
            Counters.CountForwarded(datagram.Length);
        }
        catch (SocketException e) when (IsTransient(e.SocketErrorCode) || _link.IsStopping)
        {
            Counters.Count(PacketFate.DroppedOther);
        }
    }

    void WaitForPacket()
    {
        _packetQueued.Reset();
        Volatile.Write(ref _sendLoopWaiting, 1);
        Interlocked.MemoryBarrier();
        if (_delayLine.IsEmpty && !_link.IsStopping)
            _packetQueued.Wait(TimeSpan.FromTicks(_maxSleepNanos / 100));
        Volatile.Write(ref _sendLoopWaiting, 0);
    }

    /// <summary>Errors a UDP socket reports for one datagram (an ICMP error from an earlier send, an oversize
    /// datagram, a full buffer, no route for a moment) that must not kill the loop.</summary>
    static bool IsTransient(SocketError error) => error is SocketError.ConnectionRefused or SocketError.ConnectionReset
        or SocketError.MessageSize or SocketError.NoBufferSpaceAvailable or SocketError.HostUnreachable
        or SocketError.NetworkUnreachable or SocketError.WouldBlock or SocketError.Interrupted;
}

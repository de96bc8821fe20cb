using Ristbond.MpegTs;

namespace Ristbond.Appliance.Send;

/// <summary>
/// Start/stop streaming without stopping the service: the input keeps running (a live encoder keeps sending, the
/// test source keeps pacing) and while the gate is closed its datagrams are dropped before librist, so the
/// receiver gets nothing but the links' keepalives and the links, modems and control loop stay up. Opening it
/// resumes at the next datagram; a receiver picks the stream up at the next key frame. One volatile read per
/// datagram: no lock, no allocation.
/// </summary>
public sealed class InputGate(IDatagramSink next) : IDatagramSink
{
    volatile bool _open = true;
    long _dropped;

    public bool IsOpen
    {
        get => _open;
        set => _open = value;
    }

    /// <summary>Datagrams dropped while closed, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (_open)
            next.Send(datagram);
        else
            Interlocked.Increment(ref _dropped);
    }
}

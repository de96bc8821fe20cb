namespace Ristbond.MpegTs;

/// <summary>Where whole 7×188-byte datagrams go. Called on the packet path: implementations must not allocate or block on a lock.</summary>
public interface IDatagramSink
{
    void Send(ReadOnlySpan<byte> datagram);
}

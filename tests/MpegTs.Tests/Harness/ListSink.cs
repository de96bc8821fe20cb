namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>Keeps a copy of every datagram it is given.</summary>
public sealed class ListSink : IDatagramSink
{
    public List<byte[]> Datagrams { get; } = [];

    public void Send(ReadOnlySpan<byte> datagram) => Datagrams.Add(datagram.ToArray());

    public List<byte[]> Packets => [.. Harness.Packets.Split(Datagrams)];
}

/// <summary>Takes datagrams and does nothing: for measuring the framer alone.</summary>
public sealed class DiscardSink : IDatagramSink
{
    public long Datagrams;

    public void Send(ReadOnlySpan<byte> datagram) => Datagrams++;
}

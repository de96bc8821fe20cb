using Ristbond.MpegTs;

namespace Ristbond.Ingest;

/// <summary>
/// Where the transport stream comes from. <see cref="Run"/> owns the calling thread: it reads, checks and paces the
/// input and hands 7×188-byte datagrams to the sink until the token is cancelled or the input ends. Errors the user
/// must fix (not TS, no PCR to pace by) are thrown as <see cref="Platform.RistbondException"/>.
/// </summary>
public abstract class TsSource : IDisposable
{
    long _bytes;

    /// <summary>The input as the user named it, for logs and errors.</summary>
    public abstract string Name { get; }

    /// <summary>TS bytes accepted from the input (not counting rejected or header bytes).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public virtual long Packets => Framer?.Packets ?? 0;
    public virtual long SyncErrors => Framer?.SyncErrors ?? 0;
    public virtual long Datagrams => Framer?.Datagrams ?? 0;

    /// <summary>True when the input ends by itself (a file without --loop); a live input runs until cancelled.</summary>
    public virtual bool IsFinite => false;

    protected DatagramFramer? Framer { get; private set; }

    public abstract void Run(IDatagramSink sink, CancellationToken cancellation);

    protected DatagramFramer CreateFramer(IDatagramSink sink) => Framer = new DatagramFramer(sink);

    protected void CountBytes(int count) => Interlocked.Add(ref _bytes, count);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

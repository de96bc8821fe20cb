using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// A recorded transport stream, sent at its own pace (from its PCRs), once or in a loop. The file is checked in
/// the constructor: a file that is not TS, or that has no PCR to pace by, is refused before anything is sent.
/// </summary>
public sealed class FileTsSource : TsSource
{
    const int ProbeBytes = 4 << 20;
    const int ReadBlockBytes = TsPacket.Size * 512;
    const long StartDelayNanos = 50_000_000;

    readonly string _path;
    readonly bool _loop;
    readonly ILogger _log;
    readonly FileStream _file;
    readonly int _pcrPid;
    readonly double _initialBytesPerSecond;
    readonly int _startOffset;
    ReportThrottle _syncReports = new(5 * MonotonicClock.NanosPerSecond);

    public FileTsSource(string path, bool loop, ILogger log)
    {
        _path = path;
        _loop = loop;
        _log = log;
        try
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBlockBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"input {path}: cannot open: {e.Message}", ExitCodes.BadInput, e);
        }

        byte[] head = new byte[ProbeBytes];
        int length = _file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        _startOffset = TsSync.FindAlignment(head.AsSpan(0, Math.Min(length, 64 * 1024)));
        if (length < TsPacket.Size || _startOffset < 0)
        {
            _file.Dispose();
            throw new RistbondException($"input {path}: not an MPEG-TS file (no 0x47 sync byte every 188 bytes in its first {Math.Min(length, 64 * 1024)} bytes)");
        }
        if (!PcrPacer.TryProbe(head.AsSpan(_startOffset, length - _startOffset), out _pcrPid, out _initialBytesPerSecond))
        {
            _file.Dispose();
            throw new RistbondException($"input {path}: no two PCRs on one PID in its first {length >> 20} MiB, so it cannot be sent at its own rate");
        }
        _log.LogInformation("input {Input}: MPEG-TS, PCR on PID {Pid}, about {Rate}{Loop}",
            path, _pcrPid, Units.FormatBitrate(_initialBytesPerSecond * 8), loop ? ", looping" : "");
    }

    public override string Name => _path;

    public override bool IsFinite => !_loop;

    public override void Run(IDatagramSink sink, CancellationToken cancellation)
    {
        DatagramFramer framer = CreateFramer(sink);
        var pacer = new PcrPacer(_pcrPid, _initialBytesPerSecond);
        byte[] block = new byte[ReadBlockBytes];
        long streamPosition = 0;
        long start = MonotonicClock.NowNanos + StartDelayNanos;
        _file.Position = _startOffset;
        int carried = 0;

        while (!cancellation.IsCancellationRequested)
        {
            int read = _file.Read(block, carried, block.Length - carried);
            if (read == 0)
            {
                if (!_loop)
                    break;
                _file.Position = _startOffset;
                carried = 0;
                continue;
            }
            int length = carried + read;
            int offset = 0;
            while (length - offset >= TsPacket.Size && !cancellation.IsCancellationRequested)
            {
                ReadOnlySpan<byte> packet = block.AsSpan(offset, TsPacket.Size);
                if (packet[0] != TsPacket.SyncByte)
                {
                    int skip = Resync(block.AsSpan(offset, length - offset), streamPosition);
                    offset += skip;
                    streamPosition += skip;
                    continue;
                }
                pacer.Observe(packet, streamPosition, start);
                if (framer.PendingPackets == TsPacket.PacketsPerDatagram - 1)
                    WaitUntilDue(pacer, streamPosition, start);
                framer.PushPackets(packet);
                CountBytes(TsPacket.Size);
                offset += TsPacket.Size;
                streamPosition += TsPacket.Size;
            }
            carried = length - offset;
            block.AsSpan(offset, carried).CopyTo(block);
        }
        framer.Flush();
    }

    /// <summary>Bytes to skip to the next aligned packet after sync was lost (at least one), counted as sync errors.</summary>
    int Resync(ReadOnlySpan<byte> data, long streamPosition)
    {
        int aligned = TsSync.FindAlignment(data[1..]);
        int skip = aligned < 0 ? Math.Max(1, data.Length - TsPacket.Size + 1) : aligned + 1;
        Framer!.CountSyncLoss(1);
        if (_syncReports.ShouldReport(MonotonicClock.NowNanos, out long suppressed))
        {
            _log.LogWarning("input {Input}: lost TS sync at stream byte {Position}; skipped {Skip} bytes ({Suppressed} more sync losses not shown)",
                _path, streamPosition, skip, suppressed);
        }
        return skip;
    }

    static void WaitUntilDue(PcrPacer pacer, long position, long start)
    {
        long due = Math.Max(pacer.DueNanos(position), start);
        long now = MonotonicClock.NowNanos;
        if (now - due > 500_000_000)
            pacer.SkipAhead(now - due); // we were stalled (a suspended process, a slow disk): resume at pace, no burst
        else
            MonotonicClock.SleepUntil(due);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
    }
}

using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Ingest;

/// <summary>
/// A recorded transport stream, sent at its own pace, once or in a loop. Packets are read one PCR interval ahead so
/// each can be scheduled between the PCRs around it (<see cref="PcrPacer"/>). The file is checked in the
/// constructor: a file that is not TS, or that has no PCR to pace by, is refused before anything is sent.
/// </summary>
public sealed class FileTsSource : TsSource
{
    const int ProbeBytes = 4 << 20;
    const int AlignmentWindow = 64 * 1024;
    const int ReadBlockBytes = TsPacket.Size * 512;
    /// <summary>Read-ahead limit: a stream with no PCR for this many bytes is sent at its last rate meanwhile.</summary>
    const int MaxLookaheadBytes = 4 << 20;
    const long StartDelayNanos = 50_000_000;
    const long MaxLagNanos = 500_000_000;

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
        int window = Math.Min(length, AlignmentWindow);
        // A file must show the sync byte at least twice in step: one 0x47 ('G') proves nothing.
        _startOffset = length >= 2 * TsPacket.Size ? TsSync.FindAlignment(head.AsSpan(0, window)) : -1;
        if (_startOffset < 0 || (window - _startOffset) / TsPacket.Size < 2)
        {
            _file.Dispose();
            throw new RistbondException($"input {path}: not an MPEG-TS file (no 0x47 sync byte every 188 bytes in its first {window} bytes)");
        }
        if (!PcrPacer.TryProbe(head.AsSpan(_startOffset, length - _startOffset), out _pcrPid, out _initialBytesPerSecond))
        {
            _file.Dispose();
            throw new RistbondException($"input {path}: no two PCRs on one PID in its first {DescribeBytes(length)}, so it cannot be sent at its own rate");
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
        var reader = new PacketReader(this, pacer, MonotonicClock.NowNanos + StartDelayNanos);
        var ahead = new PacketQueue(MaxLookaheadBytes);
        long start = reader.StartNanos;

        while (!cancellation.IsCancellationRequested)
        {
            // Read up to and including the next PCR, so everything before it can be scheduled between two PCRs.
            bool more = reader.ReadThroughNextPcr(ahead, cancellation);
            int sendable = more ? ahead.Count - 1 : ahead.Count;
            for (int i = 0; i < sendable && !cancellation.IsCancellationRequested; i++)
            {
                (long position, ReadOnlyMemory<byte> packet) = ahead.Peek();
                if (framer.PendingPackets == TsPacket.PacketsPerDatagram - 1)
                    WaitUntilDue(pacer, position, start);
                framer.PushPackets(packet.Span);
                CountBytes(TsPacket.Size);
                ahead.Dequeue();
            }
            if (!more)
                break;
        }
        framer.Flush();
    }

    static void WaitUntilDue(PcrPacer pacer, long position, long start)
    {
        long due = Math.Max(pacer.DueNanos(position), start);
        long lag = MonotonicClock.NowNanos - due;
        if (lag > MaxLagNanos)
            pacer.SkipAhead(lag); // we were stalled (a suspended process, a slow disk): resume at pace, no burst
        else
            MonotonicClock.SleepUntil(due);
    }

    static string DescribeBytes(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
    }

    /// <summary>Reads aligned packets from the file (resynchronising after damage, rewinding when looping) and feeds the pacer.</summary>
    sealed class PacketReader(FileTsSource source, PcrPacer pacer, long startNanos)
    {
        readonly byte[] _block = new byte[ReadBlockBytes];
        int _offset;
        int _length;
        long _streamPosition;
        bool _started;

        public long StartNanos => startNanos;

        /// <summary>Appends packets to <paramref name="queue"/> until one carrying a PCR (after the first) or the lookahead limit; false at the end of the input.</summary>
        public bool ReadThroughNextPcr(PacketQueue queue, CancellationToken cancellation)
        {
            while (!cancellation.IsCancellationRequested)
            {
                if (_length - _offset < TsPacket.Size && !Refill())
                    return false;
                ReadOnlySpan<byte> packet = _block.AsSpan(_offset, TsPacket.Size);
                if (packet[0] != TsPacket.SyncByte)
                {
                    Resync();
                    continue;
                }
                pacer.Observe(packet, _streamPosition, startNanos);
                queue.Enqueue(_streamPosition, packet);
                _offset += TsPacket.Size;
                _streamPosition += TsPacket.Size;
                bool isPcr = TsPacket.Pid(packet) == pacer.PcrPid && TsPacket.TryGetPcr(packet, out _);
                if ((isPcr && queue.Count > 1) || queue.IsFull)
                    return true;
            }
            return false;
        }

        bool Refill()
        {
            if (!_started)
            {
                source._file.Position = source._startOffset;
                _started = true;
            }
            int carried = _length - _offset;
            _block.AsSpan(_offset, carried).CopyTo(_block);
            (_offset, _length) = (0, carried);
            while (_length < _block.Length)
            {
                int read = source._file.Read(_block, _length, _block.Length - _length);
                if (read > 0)
                {
                    _length += read;
                    continue;
                }
                if (!source._loop)
                    break;
                // End of file, looping: drop a trailing partial packet so the next pass starts aligned. The PCR
                // then jumps back, and the pacer carries on at the same rate.
                _length -= _length % TsPacket.Size;
                source._file.Position = source._startOffset;
            }
            return _length - _offset >= TsPacket.Size;
        }

        /// <summary>Skips to the next aligned packet after a sync loss, counting it.</summary>
        void Resync()
        {
            ReadOnlySpan<byte> rest = _block.AsSpan(_offset, _length - _offset);
            int aligned = TsSync.FindAlignment(rest[1..]);
            int skip = aligned < 0 ? Math.Max(1, rest.Length - TsPacket.Size + 1) : aligned + 1;
            source.Framer!.CountSyncLoss(1);
            if (source._syncReports.ShouldReport(MonotonicClock.NowNanos, out long suppressed))
            {
                source._log.LogWarning("input {Input}: lost TS sync at stream byte {Position}; skipped {Skip} bytes ({Suppressed} more sync losses not shown)",
                    source._path, _streamPosition, skip, suppressed);
            }
            _offset += skip;
            _streamPosition += skip;
        }
    }
}

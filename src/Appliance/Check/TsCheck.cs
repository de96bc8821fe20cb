using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.MpegTs;
using Ristbond.Platform;

namespace Ristbond.Appliance.Check;

/// <summary>
/// Checks a received copy of the test stream: a recorded file read at disk speed, or a live UDP/RTP input heard until
/// it falls quiet. Live arrivals are checked on one named thread (the input's own loop); the report is made after it
/// has stopped, so nothing is shared while it runs but two timestamps.
/// </summary>
public static class TsCheck
{
    const int FileBlockBytes = TsPacket.Size * 512;
    const int PollMs = 50;

    /// <summary>Whether <paramref name="input"/> names a live input (udp:// or rtp://) rather than a file.</summary>
    public static bool IsLive(string input) =>
        input.StartsWith("udp://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("rtp://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a whole file (or file://path) and checks every packet in it.</summary>
    public static TsCheckReport CheckFile(string input)
    {
        string path = input.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? input["file://".Length..] : input;
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileBlockBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"check-ts {path}: cannot open: {e.Message}", ExitCodes.BadInput, e);
        }
        using (file)
        {
            var verifier = new TestPatternVerifier();
            byte[] buffer = new byte[FileBlockBytes];
            int held = 0;
            long bytes = 0;
            bool aligned = false;
            int read;
            while ((read = file.Read(buffer, held, buffer.Length - held)) > 0 || held >= TsPacket.Size)
            {
                held += read;
                int start = 0;
                if (!aligned)
                {
                    start = TsSync.FindAlignment(buffer.AsSpan(0, held));
                    if (start < 0 || held - start < TsPacket.Size)
                        throw new RistbondException($"check-ts {path}: not MPEG-TS (no 0x47 sync byte every 188 bytes in its first {held} bytes)");
                    aligned = true;
                }
                int whole = (held - start) / TsPacket.Size * TsPacket.Size;
                verifier.Push(buffer.AsSpan(start, whole), 0);
                bytes += whole;
                held -= start + whole;
                buffer.AsSpan(start + whole, held).CopyTo(buffer);
                if (read == 0)
                    break;
            }
            if (!aligned)
                throw new RistbondException($"check-ts {path}: the file is empty");
            return TsCheckReport.From(input, verifier, bytes, held > 0 ? 1 : 0, 0, 0, live: false);
        }
    }

    /// <summary>
    /// Listens on a udp:// or rtp:// input until it has been quiet for <paramref name="idle"/> after the first datagram,
    /// or <paramref name="duration"/> has passed. Nothing within <paramref name="wait"/> is a failure.
    /// </summary>
    public static TsCheckReport CheckLive(string input, TimeSpan wait, TimeSpan idle, TimeSpan? duration, ILogger log, CancellationToken cancellation)
    {
        using TsSource source = InputFactory.Open(input, loop: false, testBitrateBps: TestSource.MinBitrateBps, log);
        if (source is not UdpTsSource)
            throw new RistbondException($"check-ts {input}: not a live input (use udp://[@][address]:port, rtp://… or a file)");
        var sink = new VerifyingSink();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                source.Run(sink, stop.Token);
            }
            catch (RistbondException e)
            {
                failure = e;
            }
        }) { Name = "check-ts input" };

        long started = MonotonicClock.NowNanos;
        thread.Start();
        while (!stop.IsCancellationRequested && thread.IsAlive)
        {
            Thread.Sleep(PollMs);
            long now = MonotonicClock.NowNanos, last = sink.LastNanos;
            if (last == 0 ? now - started > wait.Ticks * 100 : now - last > idle.Ticks * 100)
                break;
            if (duration is TimeSpan limit && now - started > limit.Ticks * 100)
                break;
        }
        stop.Cancel();
        thread.Join();
        if (failure is not null)
            throw failure;
        if (sink.FirstNanos == 0)
            throw new RistbondException($"check-ts {input}: no TS arrived within {wait.TotalSeconds:0.#} s", ExitCodes.RuntimeFailure);
        return TsCheckReport.From(input, sink.Verifier, sink.Bytes, source.SyncErrors, sink.FirstNanos, sink.LastNanos, live: true);
    }

    /// <summary>Checks each datagram as it arrives, stamped with the arrival time; the input thread is its only writer.</summary>
    sealed class VerifyingSink : IDatagramSink
    {
        long _firstNanos;
        long _lastNanos;

        public TestPatternVerifier Verifier { get; } = new();
        public long Bytes { get; private set; }
        public long FirstNanos => Volatile.Read(ref _firstNanos);
        public long LastNanos => Volatile.Read(ref _lastNanos);

        public void Send(ReadOnlySpan<byte> datagram)
        {
            long now = MonotonicClock.NowNanos;
            Verifier.Push(datagram, now);
            Bytes += datagram.Length;
            if (_firstNanos == 0)
                Volatile.Write(ref _firstNanos, now);
            Volatile.Write(ref _lastNanos, now);
        }
    }
}

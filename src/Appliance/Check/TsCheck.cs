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
        var verifier = new TestPatternVerifier();
        (long bytes, int trailing) = ReadFile(input, block => verifier.Push(block, 0));
        return TsCheckReport.From(input, verifier, bytes, trailing, 0, 0, live: false);
    }

    /// <summary>Reads a whole video TS file (or file://path) and reports its streams (<c>check-ts --video</c>).</summary>
    public static VideoCheckReport CheckVideoFile(string input)
    {
        var verifier = new VideoStreamVerifier();
        (long bytes, int trailing) = ReadFile(input, verifier.Push);
        return VideoCheckReport.From(input, verifier, bytes, trailing, 0, 0);
    }

    delegate void BlockHandler(ReadOnlySpan<byte> packets);

    /// <summary>Hands the file's whole packets to <paramref name="handle"/> in blocks; returns its bytes and whether a part packet trailed.</summary>
    static (long Bytes, int Trailing) ReadFile(string input, BlockHandler handle)
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
                handle(buffer.AsSpan(start, whole));
                bytes += whole;
                held -= start + whole;
                buffer.AsSpan(start + whole, held).CopyTo(buffer);
                if (read == 0)
                    break;
            }
            if (!aligned)
                throw new RistbondException($"check-ts {path}: the file is empty");
            return (bytes, held > 0 ? 1 : 0);
        }
    }

    /// <summary>
    /// Listens on a udp:// or rtp:// input until it has been quiet for <paramref name="idle"/> after the first datagram,
    /// or <paramref name="duration"/> has passed. Nothing within <paramref name="wait"/> is a failure.
    /// </summary>
    public static TsCheckReport CheckLive(string input, TimeSpan wait, TimeSpan idle, TimeSpan? duration, ILogger log, CancellationToken cancellation)
    {
        var sink = new VerifyingSink(video: null);
        long syncErrors = Listen(input, sink, wait, idle, duration, log, cancellation);
        return TsCheckReport.From(input, sink.Verifier, sink.Bytes, syncErrors, sink.FirstNanos, sink.LastNanos, live: true);
    }

    /// <summary>As <see cref="CheckLive"/>, reporting the video streams (<c>check-ts --video</c>).</summary>
    public static VideoCheckReport CheckVideoLive(string input, TimeSpan wait, TimeSpan idle, TimeSpan? duration, ILogger log, CancellationToken cancellation)
    {
        var sink = new VerifyingSink(new VideoStreamVerifier());
        long syncErrors = Listen(input, sink, wait, idle, duration, log, cancellation);
        return VideoCheckReport.From(input, sink.Video!, sink.Bytes, syncErrors, sink.FirstNanos, sink.LastNanos);
    }

    /// <summary>Runs the input into <paramref name="sink"/> until it falls quiet; returns the input's own sync errors.</summary>
    static long Listen(string input, VerifyingSink sink, TimeSpan wait, TimeSpan idle, TimeSpan? duration, ILogger log, CancellationToken cancellation)
    {
        using TsSource source = InputFactory.Open(input, loop: false, testBitrateBps: TestSource.MinBitrateBps, log);
        if (source is not UdpTsSource)
            throw new RistbondException($"check-ts {input}: not a live input (use udp://[@][address]:port, rtp://… or a file)");
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
        return source.SyncErrors;
    }

    /// <summary>Checks each datagram as it arrives, stamped with the arrival time; the input thread is its only writer.</summary>
    sealed class VerifyingSink(VideoStreamVerifier? video) : IDatagramSink
    {
        long _firstNanos;
        long _lastNanos;

        public TestPatternVerifier Verifier { get; } = new();
        public VideoStreamVerifier? Video { get; } = video;
        public long Bytes { get; private set; }
        public long FirstNanos => Volatile.Read(ref _firstNanos);
        public long LastNanos => Volatile.Read(ref _lastNanos);

        public void Send(ReadOnlySpan<byte> datagram)
        {
            long now = MonotonicClock.NowNanos;
            if (Video is null)
                Verifier.Push(datagram, now);
            else
                Video.Push(datagram);
            Bytes += datagram.Length;
            if (_firstNanos == 0)
                Volatile.Write(ref _firstNanos, now);
            Volatile.Write(ref _lastNanos, now);
        }
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;

namespace Ristbond.Bench.Adapt.Video;

/// <summary>
/// The baseline's video: ristbond's own pattern at 720p30 through x265 and the muxer, as <c>send -i pattern</c>
/// makes it, encoded once at the baseline's fixed bitrate into a TS file and kept (the baseline's encoder is the
/// operator's fixed-rate one). The encode runs on a virtual clock that jumps to each frame's time, so a minute
/// of video takes as long as x265 needs, not a minute; the timestamps are those of real time.
/// </summary>
public static class PatternClip
{
    public const int Width = 1280, Height = 720, FramesPerSecond = 30;

    /// <summary>Extra seconds past the scenario: the player must not run dry before the senders stop.</summary>
    const double SpareSeconds = 3;

    /// <summary>The cached clip for this bitrate and length, encoded first if it is not there yet.</summary>
    public static string Get(string cacheDirectory, long bitrateBps, double seconds, ILogger log)
    {
        int length = (int)Math.Ceiling(seconds + SpareSeconds);
        string path = Path.Combine(cacheDirectory, string.Create(CultureInfo.InvariantCulture, $"pattern-{Width}x{Height}p{FramesPerSecond}-{bitrateBps}bps-{length}s.ts"));
        if (File.Exists(path))
            return path;
        Directory.CreateDirectory(cacheDirectory);
        log.LogInformation("bench adapt: encoding the pattern at {Bitrate} for {Seconds} s into {Path} (once; kept for later runs)",
            Units.FormatBitrate(bitrateBps), length, path);
        string partial = path + ".partial";
        Encode(partial, bitrateBps, length);
        if (InterruptCleanup.Interrupted.IsCancellationRequested)
            File.Delete(partial);
        InterruptCleanup.ThrowIfInterrupted();
        File.Move(partial, path, overwrite: true);
        return path;
    }

    static void Encode(string path, long bitrateBps, int seconds)
    {
        var format = new VideoFormat(Width, Height, PixelFormat.I420, FramesPerSecond, 1);
        var clock = new VirtualClock();
        IVideoEncoder encoder = VideoEncoderFactory.Open(VideoEncoderChoice.Software, format,
            new VideoEncoderSettings { InitialBitrate = bitrateBps, MaximumBitrate = bitrateBps });
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var source = new VideoTsSource(new PatternFrameSource(format, clock), encoder, VideoEncoderFactory.NameOf(encoder), clock);
        using var stop = new CancellationTokenSource();
        clock.StopAt(clock.NowNanos + (long)seconds * MonotonicClock.NanosPerSecond, stop);
        source.Run(new FileSink(file), stop.Token);
    }

    /// <summary>A clock that never waits: sleeping moves it to the deadline. Past its end it cancels the encode.</summary>
    sealed class VirtualClock : IPacingClock
    {
        long _now = 1_000_000_000;
        long _end = long.MaxValue;
        CancellationTokenSource? _stop;

        public long NowNanos => _now;

        public void StopAt(long endNanos, CancellationTokenSource stop) => (_end, _stop) = (endNanos, stop);

        public void SleepUntil(long deadlineNanos)
        {
            _now = Math.Max(_now, deadlineNanos);
            if (_now >= _end || InterruptCleanup.Interrupted.IsCancellationRequested)
                _stop?.Cancel();
        }
    }

    sealed class FileSink(FileStream file) : IDatagramSink
    {
        public void Send(ReadOnlySpan<byte> datagram) => file.Write(datagram);
    }
}

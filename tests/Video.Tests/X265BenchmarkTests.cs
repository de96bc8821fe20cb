using System.Diagnostics;
using Ristbond.Platform;

namespace Ristbond.Video.Tests;

/// <summary>
/// Not a pass/fail test: prints what 720p30 costs on this machine (CPU ms per frame across all of x265's threads,
/// the pattern's own drawing, and a frame with a live bitrate change). Nothing here asserts a time.
/// </summary>
public sealed class X265BenchmarkTests
{
    const int Frames = 90;

    [Fact]
    public void Prints_cpu_milliseconds_per_720p_frame()
    {
        VideoFormat format = TestPatternSource.DefaultFormat;
        var source = new TestPatternSource(format);
        using var encoder = new X265Encoder(format, new X265EncoderOptions { InitialBitrate = 4_000_000 });
        encoder.Encode(source.NextFrame(), MonotonicClock.NowNanos, out _);

        using var process = Process.GetCurrentProcess();
        TimeSpan drawCpu = TimeSpan.Zero;
        long bytes = 0;
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long wallBefore = MonotonicClock.NowNanos;
        for (int i = 0; i < Frames; i++)
        {
            long drawStart = MonotonicClock.NowNanos;
            ReadOnlySpan<byte> frame = source.NextFrame();
            drawCpu += TimeSpan.FromTicks((MonotonicClock.NowNanos - drawStart) / 100);
            if (encoder.Encode(frame, MonotonicClock.NowNanos, out EncodedAccessUnit unit))
                bytes += unit.Data.Length;
        }
        double wallMs = (MonotonicClock.NowNanos - wallBefore) / 1e6;
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;

        long changeStart = MonotonicClock.NowNanos;
        encoder.SetBitrate(1_000_000);
        encoder.Encode(source.NextFrame(), MonotonicClock.NowNanos, out _);
        double changeMs = (MonotonicClock.NowNanos - changeStart) / 1e6;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"720p30 ultrafast, {Environment.ProcessorCount} cores: {cpuMs / Frames:F1} CPU ms/frame (process, all threads), " +
            $"{wallMs / Frames:F1} wall ms/frame, pattern drawing {drawCpu.TotalMilliseconds / Frames:F2} ms/frame, " +
            $"{bytes * 8.0 * 30 / Frames / 1000:F0} kbit/s; frame with a bitrate drop (live reconfigure) {changeMs:F1} ms");
    }
}

using Microsoft.Extensions.Logging;
using Ristbond.Ingest;
using Ristbond.Platform;
using Ristbond.Rist;
using Ristbond.Video;

namespace Ristbond.Bench;

/// <summary>
/// The video send path as <c>send -i pattern</c> runs it: the pattern, x265 (ultrafast, zero latency), the muxer and
/// the stream pacer into librist over three links, in real time. Reports encode time, the latency from capture to the
/// frame's first and last datagram handed to librist, CPU per frame of the whole process, and frames skipped for
/// falling behind real time. Nothing receives: the far ends drop what arrives.
/// </summary>
public static class VideoBench
{
    const int Links = 3;

    public sealed record Result(VideoFormat Format, long BitrateBps, double Seconds, VideoSendStats Stats, double ProcessCpuMsPerFrame, double Mbps);

    public static Result Run(VideoFormat format, long bitrateBps, double seconds, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(format);
        var sinks = Enumerable.Range(0, Links).Select(_ => new PacketPathBench.DrainSocket()).ToList();
        try
        {
            using RistSender sender = RistSender.Create(new RistSenderOptions(), log);
            for (int i = 0; i < Links; i++)
                sender.AddLink($"link{i + 1}", RistUrl.Parse($"rist://127.0.0.1:{sinks[i].Port}"), 1);
            sender.Start();

            IVideoEncoder encoder = VideoEncoderFactory.Open(VideoEncoderChoice.Parse("x265"), format,
                new VideoEncoderSettings { InitialBitrate = bitrateBps, MaximumBitrate = Math.Max(bitrateBps, 20_000_000) });
            using var source = new VideoTsSource(new PatternFrameSource(format), encoder, VideoEncoderFactory.NameOf(encoder));
            using var stop = new CancellationTokenSource();
            var pacer = new Ingest.Pacing.StreamPacer(sender, new Ingest.Pacing.PacerOptions(), Math.Max(bitrateBps, 20_000_000), bitrateBps);
            var pacing = new Thread(() => pacer.Run(stop.Token)) { Name = "pacer", IsBackground = true };
            var thread = new Thread(() => source.Run(pacer, stop.Token)) { Name = "video", IsBackground = true };

            TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
            long wallBefore = MonotonicClock.NowNanos;
            pacing.Start();
            thread.Start();
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            stop.Cancel();
            thread.Join();
            pacing.Join();
            double wall = (MonotonicClock.NowNanos - wallBefore) / 1e9;
            double cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            VideoSendStats stats = source.ReadStats();
            Thread.Sleep(300); // let librist send what is queued before the context goes
            return new Result(format, bitrateBps, wall, stats, cpuMs / Math.Max(1, stats.Frames), source.Bytes * 8 / wall / 1e6);
        }
        finally
        {
            foreach (PacketPathBench.DrainSocket sink in sinks)
                sink.Dispose();
        }
    }
}

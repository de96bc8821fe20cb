namespace Ristbond.Bonding.Tests;

/// <summary>
/// What the simulated source makes of the bit rate it is asked for. <see cref="Constant"/> is testsrc: even datagrams
/// at exactly that rate. <see cref="Video"/> is an encoder: a frame every 1/fps, an IDR every
/// <see cref="KeyframeSeconds"/> <see cref="KeyframeRatio"/> times a P-frame (or none, with intra refresh), frame
/// sizes varying by <see cref="FrameNoise"/>, and on average <see cref="Fill"/> of the rate asked (an encoder makes
/// less than its target on simple pictures).
/// </summary>
public sealed record SourceModel
{
    public static SourceModel Constant { get; } = new();

    public static SourceModel Video(double fill = 0.95, bool intraRefresh = false, double keyframeRatio = 10, double frameNoise = 0.15) => new()
    {
        IsVideo = true,
        Fill = fill,
        KeyframeSeconds = intraRefresh ? 0 : 2,
        KeyframeRatio = keyframeRatio,
        FrameNoise = frameNoise,
    };

    public bool IsVideo { get; init; }
    public double Fps { get; init; } = 30;
    /// <summary>0: no IDR after the first (periodic intra refresh).</summary>
    public double KeyframeSeconds { get; init; }
    public double KeyframeRatio { get; init; } = 10;
    public double Fill { get; init; } = 1;
    public double FrameNoise { get; init; }
}

public sealed partial class SimulatedNetwork
{
    /// <summary>The source's datagrams up to <paramref name="until"/> go into the pacer's queue.</summary>
    void Produce(long until)
    {
        if (!Source.IsVideo)
        {
            _sourceCarry += Bitrate * (until - Now) / 1e9 / DatagramBits;
            for (; _sourceCarry >= 1; _sourceCarry--)
                _paced.Enqueue(Now);
            return;
        }
        long frameNanos = (long)(1e9 / Source.Fps);
        for (; _nextFrame < until; _nextFrame += frameNanos, _frameIndex++)
        {
            int gop = Source.KeyframeSeconds > 0 ? (int)Math.Round(Source.KeyframeSeconds * Source.Fps) : 0;
            double pFrame = gop > 0 ? gop / (gop - 1 + Source.KeyframeRatio) : 1;
            bool keyframe = gop > 0 ? _frameIndex % gop == 0 : _frameIndex == 0;
            double size = (keyframe && gop > 0 ? Source.KeyframeRatio * pFrame : pFrame) * (1 + Source.FrameNoise * (2 * _random.NextDouble() - 1));
            _sourceCarry += Bitrate / Source.Fps * Source.Fill * size / DatagramBits;
            for (; _sourceCarry >= 1; _sourceCarry--)
                _paced.Enqueue(Math.Max(Now, _nextFrame));
        }
    }
}

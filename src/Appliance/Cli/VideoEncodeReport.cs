using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Appliance.Cli;

/// <summary>
/// What <c>ristbond video encode</c> prints: one line per bitrate segment (coded frames, average size, the QP at its
/// end), then a summary (frames in and out, keyframes, frames whose header checks out, latency from capture to
/// coded frame). The board's steps read these words: keep them stable.
/// </summary>
internal sealed class EncodeReport(V4l2Encoder encoder, TextWriter output)
{
    int _segmentStart;
    long _segmentBitrate;
    long _segmentCoded, _segmentBytes;
    long _totalBytes, _keyframes, _valid;
    long _latencyTotalNanos, _latencyMaxNanos;
    string _firstFrame = "none";

    public long Coded { get; private set; }

    public void StartSegment(int frame, long bitrate)
    {
        _segmentStart = frame;
        _segmentBitrate = bitrate;
        _segmentCoded = _segmentBytes = 0;
    }

    public void EndSegment(int lastFrame)
    {
        if (lastFrame < _segmentStart)
            return;
        long average = _segmentCoded == 0 ? 0 : _segmentBytes / _segmentCoded;
        output.WriteLine($"segment frames={_segmentStart}-{lastFrame} bitrate={_segmentBitrate} coded={_segmentCoded} avg_bytes={average} qp={encoder.Qp}");
    }

    public void Add(EncodedAccessUnit unit)
    {
        long latency = MonotonicClock.NowNanos - unit.CaptureNanos;
        _latencyTotalNanos += latency;
        _latencyMaxNanos = Math.Max(_latencyMaxNanos, latency);
        Coded++;
        _segmentCoded++;
        _segmentBytes += unit.Data.Length;
        _totalBytes += unit.Data.Length;
        if (unit.IsKeyframe)
            _keyframes++;
        if (LooksValid(unit.Data))
            _valid++;
        if (Coded == 1)
            _firstFrame = encoder.Codec == V4l2Codec.Fwht
                ? $"fwht:{FwhtHeader.Width(unit.Data)}x{FwhtHeader.Height(unit.Data)}"
                : Convert.ToHexString(unit.Data[..Math.Min(8, unit.Data.Length)]);
    }

    /// <summary>A coded frame starts as its format says: an FWHT header of the right size, or an Annex-B start code.</summary>
    bool LooksValid(ReadOnlySpan<byte> data) => encoder.Codec == V4l2Codec.Fwht
        ? FwhtHeader.Width(data) == encoder.Format.Width && FwhtHeader.Height(data) == encoder.Format.Height
        : data.StartsWith((ReadOnlySpan<byte>)[0, 0, 1]) || data.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 1]);

    public void Summary(int framesIn, long captureDropped)
    {
        double averageMs = Coded == 0 ? 0 : _latencyTotalNanos / (double)Coded / 1e6;
        output.WriteLine(
            $"encoded frames={framesIn} coded={Coded} keyframes={_keyframes} valid={_valid} bytes={_totalBytes} " +
            $"restarts={encoder.Restarts} delay={encoder.Delay} capture_dropped={captureDropped} first={_firstFrame} " +
            $"latency_ms_avg={averageMs:0.00} latency_ms_max={_latencyMaxNanos / 1e6:0.00}");
    }
}

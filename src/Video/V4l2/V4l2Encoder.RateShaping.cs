using System.Globalization;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>How a V4L2 encoder refreshes the picture for a receiver that joins.</summary>
public enum V4l2RefreshKind
{
    /// <summary>Intra refresh was not asked for: periodic IDRs (GOP size).</summary>
    Idr,

    /// <summary>V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD (cyclic where the type control exists): the refresh spans that many frames.</summary>
    IntraRefreshPeriod,

    /// <summary>V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB: that many macroblocks refreshed per frame, one sweep per period.</summary>
    CyclicMacroblocks,

    /// <summary>Intra refresh was asked for and the device has neither control: periodic IDRs.</summary>
    NotOffered,
}

// VBV, peak bitrate and intra refresh, each where the driver offers the control (QUERYCTRL at open); what it lacks
// is left to the device's defaults and said once in the start-up line (VideoEncoderFactory.Describe).
// - Mode CBR where the device takes it; else VBR with the peak at the bitrate, so the short-term rate is bounded
//   the same way (the peak is ignored in CBR, so it is set only for VBR).
// - VBV_SIZE (kilobytes; the H.264 CPB size too) = bitrate x latency budget, re-set on every bitrate change. A
//   device that refuses a live change keeps the size it has (it still bounds bursts, relative to the old rate).
// - Intra refresh: the period control, else the cyclic macroblock count for one sweep per period. Either way the
//   GOP goes to its maximum (ConfigureControls), and with HEVC or H.264 the parameter sets go with every access
//   unit (ParameterSetRepeater): such devices write them only with IDRs, which no longer come.
public sealed partial class V4l2Encoder
{
    const int MacroblockSize = 16;

    ParameterSetRepeater? _parameterSets;
    bool _peakBitrate;

    /// <summary>How the picture is refreshed for a receiver that joins (intra refresh or periodic IDRs, and why).</summary>
    public V4l2RefreshKind Refresh { get; private set; }

    /// <summary>The intra-refresh period in frames when <see cref="Refresh"/> is a kind of intra refresh; 0 otherwise.</summary>
    public int RefreshPeriodFrames { get; private set; }

    /// <summary>The VBV (or H.264 CPB) size last set, in kilobytes; 0 where the device has no such control.</summary>
    public int VbvKilobytes { get; private set; }

    /// <summary>"CBR", "VBR, peak = bitrate", or "device default" when the device has no mode control or took neither.</summary>
    public string BitrateMode { get; private set; } = "device default";

    /// <summary>Sets intra refresh over <paramref name="periodFrames"/> if asked and offered; true if it is on.</summary>
    bool ConfigureIntraRefresh(int periodFrames)
    {
        Refresh = V4l2RefreshKind.Idr;
        if (!_options.IntraRefresh)
            return false;
        Refresh = V4l2RefreshKind.NotOffered;
        if (_controls.TryGet(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD, out ControlRange period))
        {
            _controls.SetIfPresent(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE, V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE_CYCLIC);
            if (_controls.TrySet(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD, periodFrames) == 0)
            {
                Refresh = V4l2RefreshKind.IntraRefreshPeriod;
                RefreshPeriodFrames = period.Clamp(periodFrames);
            }
        }
        else if (_controls.TryGet(V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB, out ControlRange cyclic))
        {
            int macroblocks = CeilingDivide(Format.Width, MacroblockSize) * CeilingDivide(Format.Height, MacroblockSize);
            int perFrame = cyclic.Clamp(CeilingDivide(macroblocks, periodFrames));
            if (perFrame > 0 && _controls.TrySet(V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB, perFrame) == 0)
            {
                Refresh = V4l2RefreshKind.CyclicMacroblocks;
                RefreshPeriodFrames = CeilingDivide(macroblocks, perFrame);
            }
        }
        bool refreshing = Refresh is V4l2RefreshKind.IntraRefreshPeriod or V4l2RefreshKind.CyclicMacroblocks;
        if (refreshing && Codec is V4l2Codec.Hevc or V4l2Codec.H264)
            _parameterSets = new ParameterSetRepeater(Codec == V4l2Codec.Hevc, Format.FrameBytes / 2);
        return refreshing;
    }

    /// <summary>CBR where the device takes it, else VBR (then <see cref="ShapeRate"/> sets the peak).</summary>
    void ChooseBitrateMode()
    {
        if (!_controls.Has(V4L2_CID_MPEG_VIDEO_BITRATE_MODE))
            return;
        if (_controls.TrySet(V4L2_CID_MPEG_VIDEO_BITRATE_MODE, V4L2_MPEG_VIDEO_BITRATE_MODE_CBR) == 0)
            BitrateMode = "CBR";
        else if (_controls.TrySet(V4L2_CID_MPEG_VIDEO_BITRATE_MODE, V4L2_MPEG_VIDEO_BITRATE_MODE_VBR) == 0)
        {
            _peakBitrate = _controls.Has(V4L2_CID_MPEG_VIDEO_BITRATE_PEAK);
            BitrateMode = _peakBitrate ? "VBR, peak = bitrate" : "VBR without a peak control";
        }
    }

    /// <summary>The peak (VBR) and the VBV/CPB size for <paramref name="bitsPerSecond"/>; refusals are left as they are.</summary>
    void ShapeRate(long bitsPerSecond)
    {
        if (_peakBitrate)
            _controls.TrySet(V4L2_CID_MPEG_VIDEO_BITRATE_PEAK, bitsPerSecond);
        int kilobytes = (int)Math.Max(1, bitsPerSecond * _options.LatencyBudgetMilliseconds / 8_000_000);
        uint id = _controls.Has(V4L2_CID_MPEG_VIDEO_VBV_SIZE) ? V4L2_CID_MPEG_VIDEO_VBV_SIZE
            : Codec == V4l2Codec.H264 && _controls.Has(V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE) ? V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE
            : 0;
        if (id != 0 && _controls.TryGet(id, out ControlRange range) && _controls.TrySet(id, kilobytes) == 0)
            VbvKilobytes = range.Clamp(kilobytes);
    }

    /// <summary>The access unit with the cached parameter sets put in when intra refresh leaves it without.</summary>
    ReadOnlySpan<byte> CompleteParameterSets(ReadOnlySpan<byte> accessUnit) =>
        _parameterSets is null ? accessUnit : _parameterSets.Complete(accessUnit);

    /// <summary>For the start-up line: the mode, the VBV and how the picture is refreshed.</summary>
    internal string DescribeRateShaping()
    {
        string vbv = VbvKilobytes > 0
            ? $"VBV {VbvKilobytes.ToString(CultureInfo.InvariantCulture)} kB ({_options.LatencyBudgetMilliseconds} ms of the bitrate)"
            : "VBV: not offered by the device";
        string gop = GopSize > 0 ? $"IDR every {GopSize} frames" : "IDRs as the device chooses";
        string refresh = Refresh switch
        {
            V4l2RefreshKind.IntraRefreshPeriod => $"intra refresh every {RefreshPeriodFrames} frames (period control)",
            V4l2RefreshKind.CyclicMacroblocks => $"intra refresh every {RefreshPeriodFrames} frames (cyclic macroblocks)",
            V4l2RefreshKind.NotOffered => $"intra refresh: not offered by the device, {gop}",
            _ => $"intra refresh off, {gop}",
        };
        return $"{BitrateMode}, {vbv}, {refresh}";
    }

    static int CeilingDivide(int value, int divisor) => (value + divisor - 1) / divisor;
}

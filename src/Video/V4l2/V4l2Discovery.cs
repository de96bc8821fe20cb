using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>What one /dev/videoN is, from QUERYCAP and ENUM_FMT.</summary>
public sealed record V4l2DeviceInfo
{
    public required string Path { get; init; }
    public required string Driver { get; init; }
    public required string Card { get; init; }
    public required uint DeviceCaps { get; init; }

    /// <summary>Formats on the CAPTURE side (for an encoder: what it produces; for a capture device: what it delivers).</summary>
    public required IReadOnlyList<uint> CodedFormats { get; init; }

    /// <summary>Formats on the OUTPUT side of a memory-to-memory device (for an encoder: what it takes).</summary>
    public required IReadOnlyList<uint> RawFormats { get; init; }

    public bool IsMultiPlanarM2M => (DeviceCaps & V4L2_CAP_VIDEO_M2M_MPLANE) != 0;
    public bool IsM2M => (DeviceCaps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) != 0;
    public bool IsCapture => !IsM2M && (DeviceCaps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) != 0 && (DeviceCaps & V4L2_CAP_STREAMING) != 0;
    public bool IsMultiPlanarCapture => (DeviceCaps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) != 0 && (DeviceCaps & V4L2_CAP_VIDEO_CAPTURE) == 0;

    /// <summary>The codecs this device encodes to, if it is an encoder (raw in, one of ours out).</summary>
    public IReadOnlyList<V4l2Codec> EncoderCodecs =>
        IsM2M && RawFormats.Any(IsRaw)
            ? [.. Enum.GetValues<V4l2Codec>().Where(c => CodedFormats.Contains(V4l2Encoder.FourCcOf(c)))]
            : [];

    /// <summary>Takes or gives frames ristbond can handle (NV12, YU12 and their multi-plane forms).</summary>
    public static bool IsRaw(uint fourCc) => fourCc is V4L2_PIX_FMT_NV12 or V4L2_PIX_FMT_NV12M or V4L2_PIX_FMT_YUV420 or V4L2_PIX_FMT_YUV420M;

    public static string FourCc(uint code) => V4l2Device.FourCc(code);

    public override string ToString()
    {
        string kind = EncoderCodecs.Count > 0
            ? $"encoder ({string.Join(", ", EncoderCodecs.Select(c => c.ToString().ToUpperInvariant()))}; {(IsMultiPlanarM2M ? "multi-planar" : "single-planar")})"
            : IsCapture ? $"capture ({(IsMultiPlanarCapture ? "multi-planar" : "single-planar")})" : IsM2M ? "memory-to-memory" : "other";
        string formats = IsM2M
            ? $"raw in: {List(RawFormats)}; out: {List(CodedFormats)}"
            : $"formats: {List(CodedFormats)}";
        return $"{Path}: {Driver} '{Card}', {kind}, {formats}";
    }

    static string List(IReadOnlyList<uint> formats) => formats.Count == 0 ? "none" : string.Join(" ", formats.Select(FourCc));
}

/// <summary>
/// Finds V4L2 devices by what they can do, not by name: every /dev/videoN is opened and asked (QUERYCAP, then
/// ENUM_FMT on both sides). An encoder is a memory-to-memory device that takes NV12/YU12 and produces HEVC, H.264
/// or FWHT; a capture device streams frames. A configured path skips the scan (<see cref="V4l2Encoder.Open"/>).
/// </summary>
public static class V4l2Discovery
{
    /// <summary>Every /dev/video* that answers QUERYCAP, in node order. Nodes that cannot be opened are skipped.</summary>
    public static IReadOnlyList<V4l2DeviceInfo> Scan(string devDirectory = "/dev")
    {
        var found = new List<V4l2DeviceInfo>();
        if (!Directory.Exists(devDirectory))
            return found;
        IEnumerable<string> nodes = Directory.EnumerateFiles(devDirectory, "video*")
            .Where(p => int.TryParse(Path.GetFileName(p).AsSpan(5), out _))
            .OrderBy(p => int.Parse(Path.GetFileName(p).AsSpan(5), System.Globalization.CultureInfo.InvariantCulture));
        foreach (string node in nodes)
        {
            try
            {
                using V4l2Device device = V4l2Device.Open(node);
                found.Add(Describe(device));
            }
            catch (RistbondException)
            {
                // Busy, not a V4L2 node, or no permission: not ours to use.
            }
        }
        return found;
    }

    /// <summary>The first encoder producing one of <paramref name="codecs"/> (earlier codecs win over later devices).</summary>
    public static V4l2DeviceInfo? FindEncoder(IReadOnlyList<V4l2DeviceInfo> devices, IReadOnlyList<V4l2Codec> codecs)
    {
        foreach (V4l2Codec codec in codecs)
        {
            V4l2DeviceInfo? match = devices.FirstOrDefault(d => d.EncoderCodecs.Contains(codec));
            if (match is not null)
                return match;
        }
        return null;
    }

    /// <summary>QUERYCAP and ENUM_FMT of an open device.</summary>
    internal static unsafe V4l2DeviceInfo Describe(V4l2Device device)
    {
        var capability = default(v4l2_capability);
        device.Ioctl(VIDIOC_QUERYCAP, ref capability, "query V4L2 capabilities");
        uint caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ? capability.device_caps : capability.capabilities;
        bool m2m = (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) != 0;
        bool multiPlanar = (caps & (V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) != 0
                           && (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_CAPTURE)) == 0;
        uint captureType = multiPlanar ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
        uint outputType = multiPlanar ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
        return new V4l2DeviceInfo
        {
            Path = device.Path,
            Driver = V4l2Device.Text(capability.driver, 16),
            Card = V4l2Device.Text(capability.card, 32),
            DeviceCaps = caps,
            CodedFormats = EnumerateFormats(device, captureType),
            RawFormats = m2m ? EnumerateFormats(device, outputType) : [],
        };
    }

    static List<uint> EnumerateFormats(V4l2Device device, uint type)
    {
        var formats = new List<uint>();
        for (uint index = 0; index < 64; index++)
        {
            var description = new v4l2_fmtdesc { index = index, type = type };
            if (device.TryIoctl(VIDIOC_ENUM_FMT, ref description) != 0)
                break;
            formats.Add(description.pixelformat);
        }
        return formats;
    }
}

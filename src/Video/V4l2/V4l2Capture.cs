using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>
/// One captured frame, valid until <see cref="V4l2Capture.Release"/>: its bytes packed as <see cref="V4l2Capture.Format"/>
/// says (<see cref="Packed"/>), the DMABUF holding it when the device exported one (-1 otherwise) with its size and
/// the bytes used in it, and when it was captured (CLOCK_MONOTONIC nanoseconds, from the driver's timestamp).
/// </summary>
public readonly ref struct V4l2Frame
{
    internal V4l2Frame(int index, ReadOnlySpan<byte> packed, int dmabufFd, int dmabufLength, int bytesUsed, long captureNanos, uint sequence)
    {
        Index = index;
        Packed = packed;
        DmabufFd = dmabufFd;
        DmabufLength = dmabufLength;
        BytesUsed = bytesUsed;
        CaptureNanos = captureNanos;
        Sequence = sequence;
    }

    public int Index { get; }
    public ReadOnlySpan<byte> Packed { get; }
    public int DmabufFd { get; }

    /// <summary>The size of <see cref="DmabufFd"/>'s buffer (0 without one): a multi-planar importer must state it.</summary>
    public int DmabufLength { get; }
    public int BytesUsed { get; }
    public long CaptureNanos { get; }

    /// <summary>The driver's frame counter: a gap means frames were dropped before ristbond saw them.</summary>
    public uint Sequence { get; }
}

/// <summary>
/// A V4L2 capture device (an HDMI bridge, a camera; vivid on the emulated board): opened for NV12 or YU12 at the
/// asked size and rate, streaming into mmap'd buffers, each also exported as a DMABUF when the driver can
/// (so a V4L2 encoder reads the frame where it lies). One thread captures: <see cref="TryNextFrame"/> then
/// <see cref="Release"/>.
/// </summary>
public sealed class V4l2Capture : IDisposable
{
    readonly V4l2Device _device;
    readonly V4l2Queue _queue;
    readonly FileDescriptorHandle[] _exported;
    readonly byte[]? _repacked;     // only when the driver pads rows: frames are repacked into it
    bool _disposed;

    V4l2Capture(V4l2Device device, V4l2DeviceInfo info, int width, int height, int fps, int buffers, bool exportDmabuf)
    {
        _device = device;
        Info = info;
        uint type = info.IsMultiPlanarCapture ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
        uint fourCc = new[] { V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_YUV420 }.FirstOrDefault(info.CodedFormats.Contains);
        if (fourCc == 0)
        {
            throw new RistbondException(
                $"Could not capture from {device.Path}: it delivers {string.Join(", ", info.CodedFormats.Select(V4l2Device.FourCc))}, not NV12 or YU12",
                ExitCodes.BadInput);
        }
        var format = new v4l2_format { type = type };
        if (info.IsMultiPlanarCapture)
        {
            format.pix_mp.width = (uint)width;
            format.pix_mp.height = (uint)height;
            format.pix_mp.pixelformat = fourCc;
            format.pix_mp.field = V4L2_FIELD_NONE;
            format.pix_mp.num_planes = 1;
        }
        else
        {
            format.pix.width = (uint)width;
            format.pix.height = (uint)height;
            format.pix.pixelformat = fourCc;
            format.pix.field = V4L2_FIELD_NONE;
        }
        string what = $"set the capture format {V4l2Device.FourCc(fourCc)} {width}x{height}";
        device.Ioctl(VIDIOC_S_FMT, ref format, what);
        int grantedWidth = (int)(info.IsMultiPlanarCapture ? format.pix_mp.width : format.pix.width);
        int grantedHeight = (int)(info.IsMultiPlanarCapture ? format.pix_mp.height : format.pix.height);
        Format = new VideoFormat(grantedWidth, grantedHeight, fourCc == V4L2_PIX_FMT_NV12 ? PixelFormat.Nv12 : PixelFormat.I420, SetFrameRate(type, fps), 1);
        Layout = V4l2Encoder.LayoutFrom(format, Format, device.Path, what);
        if (Layout.LumaStride != Format.Width || Layout.PaddedHeight != Format.Height)
            _repacked = new byte[Format.FrameBytes];

        _queue = new V4l2Queue(device, type, V4L2_MEMORY_MMAP, "capture");
        _queue.Allocate(buffers, 1);
        _exported = exportDmabuf ? TryExport() : [];
        for (int i = 0; i < _queue.Count; i++)
            _queue.Queue(i, [], 0);
        _queue.StreamOn();
    }

    /// <summary>Opens <paramref name="devicePath"/> and starts streaming at (or as near as the driver allows) the asked size and rate.</summary>
    public static V4l2Capture Open(string devicePath, int width, int height, int framesPerSecond, int buffers = 4, bool exportDmabuf = true)
    {
        V4l2Device device = V4l2Device.Open(devicePath);
        try
        {
            V4l2DeviceInfo info = V4l2Discovery.Describe(device);
            if (!info.IsCapture)
                throw new RistbondException($"Could not capture from {devicePath}: {info.Driver} '{info.Card}' is not a streaming video capture device", ExitCodes.BadInput);
            return new V4l2Capture(device, info, width, height, framesPerSecond, buffers, exportDmabuf);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public V4l2DeviceInfo Info { get; }

    /// <summary>The size, chroma order and rate the driver granted; packed frames are in this format.</summary>
    public VideoFormat Format { get; }

    /// <summary>How the driver lays a frame out in its buffers (an encoder importing the DMABUF must agree).</summary>
    public RawFrameLayout Layout { get; }

    public bool ExportsDmabuf => _exported.Length > 0;

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for the next frame; false when none came.</summary>
    public unsafe bool TryNextFrame(int timeoutMilliseconds, out V4l2Frame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DequeuedBuffer buffer;
        while (!_queue.TryDequeue(out buffer))
        {
            if ((_device.Poll(Interop.Libc.POLLIN, timeoutMilliseconds) & Interop.Libc.POLLIN) == 0)
            {
                frame = default;
                return false;
            }
        }
        long captured = (buffer.Flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC
            ? buffer.TimestampNanos
            : MonotonicClock.NowNanos;
        MappedBuffer plane = _queue.Plane(buffer.Index, 0);
        Span<byte> mapped = plane.Span;
        ReadOnlySpan<byte> packed = _repacked is null ? mapped.Slice(0, Format.FrameBytes) : Repack(mapped);
        int fd = _exported.Length > 0 ? _exported[buffer.Index].Fd : -1;
        frame = new V4l2Frame(buffer.Index, packed, fd, fd >= 0 ? plane.Length : 0, buffer.BytesUsed, captured, buffer.Sequence);
        return true;
    }

    /// <summary>Gives the frame's buffer back to the driver; the frame's bytes are not to be read after this.</summary>
    public void Release(in V4l2Frame frame) => Release(frame.Index);

    /// <summary>Gives buffer <paramref name="bufferIndex"/> (a frame's <see cref="V4l2Frame.Index"/>) back to the driver.</summary>
    public void Release(int bufferIndex) => _queue.Queue(bufferIndex, [], 0);

    ReadOnlySpan<byte> Repack(ReadOnlySpan<byte> mapped)
    {
        byte[] packed = _repacked!;
        int width = Format.Width, height = Format.Height, stride = Layout.LumaStride;
        for (int y = 0; y < height; y++)
            mapped.Slice(y * stride, width).CopyTo(packed.AsSpan(y * width));
        int chromaBase = stride * Layout.PaddedHeight;
        int rowBytes = Format.PixelFormat == PixelFormat.Nv12 ? width : width / 2;
        int rows = Format.PixelFormat == PixelFormat.Nv12 ? height / 2 : height;   // I420: U rows then V rows
        int chromaStride = Layout.ChromaStride;
        int vBase = chromaBase + chromaStride * ((Layout.PaddedHeight + 1) / 2);
        for (int y = 0; y < rows; y++)
        {
            int source = Format.PixelFormat == PixelFormat.Nv12 || y < height / 2
                ? chromaBase + y * chromaStride
                : vBase + (y - height / 2) * chromaStride;
            mapped.Slice(source, rowBytes).CopyTo(packed.AsSpan(width * height + y * rowBytes));
        }
        return packed;
    }

    int SetFrameRate(uint type, int fps)
    {
        var parameters = new v4l2_streamparm { type = type };
        parameters.timeperframe = new v4l2_fract { numerator = 1, denominator = (uint)fps };
        if (_device.TryIoctl(VIDIOC_S_PARM, ref parameters) == 0 && parameters.timeperframe.numerator > 0 && parameters.timeperframe.denominator > 0)
            return (int)Math.Max(1, Math.Round((double)parameters.timeperframe.denominator / parameters.timeperframe.numerator));
        return fps;
    }

    FileDescriptorHandle[] TryExport()
    {
        var exported = new FileDescriptorHandle[_queue.Count];
        try
        {
            for (int i = 0; i < exported.Length; i++)
                exported[i] = _queue.Export(i, 0);
            return exported;
        }
        catch (RistbondException)
        {
            foreach (FileDescriptorHandle handle in exported)
                handle?.Dispose();
            return [];   // no EXPBUF on this driver: frames are copied into the encoder
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (FileDescriptorHandle handle in _exported)
            handle.Dispose();
        _queue.Dispose();
        _device.Dispose();
    }
}

using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

/// <summary>
/// A buffer the driver handed back by DQBUF: which one, where its payload starts in plane 0 (a multi-planar
/// driver may put it after a header, data_offset) and how long it is, its flags and timestamp.
/// </summary>
internal readonly record struct DequeuedBuffer(int Index, int Offset, int BytesUsed, uint Flags, long TimestampNanos, uint Sequence)
{
    public bool IsLast => (Flags & V4L2_BUF_FLAG_LAST) != 0;
    public bool IsError => (Flags & V4L2_BUF_FLAG_ERROR) != 0;
}

/// <summary>
/// One V4L2 buffer queue (the raw OUTPUT side or the coded CAPTURE side of an encoder, or a capture device's
/// queue), single- or multi-planar, with its buffers either mmap'd (<see cref="V4L2_MEMORY_MMAP"/>) or imported
/// as DMABUF file descriptors per frame (<see cref="V4L2_MEMORY_DMABUF"/>). Everything is set up once by
/// <see cref="Allocate"/>; queueing and dequeueing allocate nothing.
/// </summary>
internal sealed unsafe class V4l2Queue : IDisposable
{
    public const int MaxPlanes = 3;

    readonly V4l2Device _device;
    MappedBuffer[][] _mapped = [];

    public V4l2Queue(V4l2Device device, uint type, uint memory, string name)
    {
        _device = device;
        Type = type;
        Memory = memory;
        Name = name;
    }

    public uint Type { get; }
    public uint Memory { get; }
    public string Name { get; }
    public bool IsMultiPlanar => Type is V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE or V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    public int Count { get; private set; }
    public int PlaneCount { get; private set; } = 1;
    public bool Streaming { get; private set; }

    /// <summary>DQBUF said EPIPE: the buffer flagged LAST was already dequeued, nothing more comes until a restart.</summary>
    public bool PastLast { get; private set; }

    /// <summary>What REQBUFS said the queue supports (V4L2_BUF_CAP_*); 0 from drivers older than 4.20.</summary>
    public uint Capabilities { get; private set; }

    /// <summary>The mapping of plane <paramref name="plane"/> of buffer <paramref name="index"/> (MMAP queues).</summary>
    public MappedBuffer Plane(int index, int plane) => _mapped[index][plane];

    /// <summary>REQBUFS <paramref name="count"/> buffers of <paramref name="planes"/> planes; maps them when the queue is MMAP.</summary>
    public void Allocate(int count, int planes)
    {
        PlaneCount = planes;
        var request = new v4l2_requestbuffers { count = (uint)count, type = Type, memory = Memory };
        _device.Ioctl(VIDIOC_REQBUFS, ref request, $"allocate {count} {Name} buffers");
        if (request.count == 0)
            throw new RistbondException($"Could not allocate {Name} buffers on {_device.Path}: the driver granted none", ExitCodes.RuntimeFailure);
        Count = (int)request.count;
        Capabilities = request.capabilities;
        if (Memory != V4L2_MEMORY_MMAP)
            return;
        _mapped = new MappedBuffer[Count][];
        v4l2_plane* planeInfo = stackalloc v4l2_plane[MaxPlanes];
        for (int i = 0; i < Count; i++)
        {
            var buffer = Describe(i, planeInfo);
            _device.Ioctl(VIDIOC_QUERYBUF, ref buffer, $"query {Name} buffer {i}");
            _mapped[i] = new MappedBuffer[PlaneCount];
            for (int p = 0; p < PlaneCount; p++)
            {
                (int length, uint offset) = IsMultiPlanar ? ((int)planeInfo[p].length, (uint)planeInfo[p].m) : ((int)buffer.length, buffer.m_offset);
                _mapped[i][p] = MappedBuffer.Map(_device, length, offset, $"{Name} buffer {i} plane {p}");
            }
        }
    }

    /// <summary>Frees the buffers (REQBUFS 0), after unmapping them; the queue must not be streaming.</summary>
    public void Release()
    {
        foreach (MappedBuffer[] planes in _mapped)
        {
            foreach (MappedBuffer plane in planes)
                plane.Dispose();
        }
        _mapped = [];
        if (Count == 0)
            return;
        var request = new v4l2_requestbuffers { count = 0, type = Type, memory = Memory };
        _device.TryIoctl(VIDIOC_REQBUFS, ref request);
        Count = 0;
    }

    /// <summary>
    /// QBUF buffer <paramref name="index"/>: <paramref name="bytesUsed"/> per plane (0 for a capture queue); a DMABUF
    /// queue's buffer is <paramref name="dmabufFd"/>, of <paramref name="dmabufLength"/> bytes.
    /// </summary>
    public void Queue(int index, ReadOnlySpan<int> bytesUsed, long timestampNanos, int dmabufFd = -1, int dmabufLength = 0)
    {
        v4l2_plane* planes = stackalloc v4l2_plane[MaxPlanes];
        var buffer = Describe(index, planes);
        buffer.field = V4L2_FIELD_NONE;
        buffer.timestamp = new Timeval { tv_sec = timestampNanos / 1_000_000_000, tv_usec = timestampNanos % 1_000_000_000 / 1000 };
        for (int p = 0; p < PlaneCount; p++)
        {
            int used = p < bytesUsed.Length ? bytesUsed[p] : 0;
            if (IsMultiPlanar)
            {
                planes[p].bytesused = (uint)used;
                if (Memory == V4L2_MEMORY_DMABUF)
                {
                    planes[p].m = (uint)dmabufFd;
                    // Not 0 ("the whole DMABUF"): vb2 checks a multi-planar OUTPUT plane's bytesused against the
                    // length given here before it looks at the DMABUF, so 0 fails QBUF with EINVAL (vicodec, 6.1).
                    planes[p].length = (uint)dmabufLength;
                }
            }
            else
            {
                buffer.bytesused = (uint)used;
                if (Memory == V4L2_MEMORY_DMABUF)
                {
                    buffer.m_fd = dmabufFd;
                    buffer.length = (uint)dmabufLength;
                }
            }
        }
        // Every frame comes through here: the message is built only when the call fails.
        int errno = _device.TryIoctl(VIDIOC_QBUF, ref buffer);
        if (errno != 0)
            throw _device.Failure($"queue {Name} buffer {index}", errno);
    }

    /// <summary>DQBUF without waiting: false when no buffer is done yet (EAGAIN) or after the last one (EPIPE).</summary>
    public bool TryDequeue(out DequeuedBuffer dequeued)
    {
        v4l2_plane* planes = stackalloc v4l2_plane[MaxPlanes];
        var buffer = Describe(0, planes);
        int errno = _device.TryIoctl(VIDIOC_DQBUF, ref buffer);
        if (errno is Interop.Libc.EAGAIN or Interop.Libc.EPIPE)
        {
            PastLast |= errno == Interop.Libc.EPIPE;
            dequeued = default;
            return false;
        }
        if (errno != 0)
            throw _device.Failure($"dequeue a {Name} buffer", errno);
        int offset = IsMultiPlanar ? (int)planes[0].data_offset : 0;
        int used = (IsMultiPlanar ? (int)planes[0].bytesused : (int)buffer.bytesused) - offset;
        long nanos = buffer.timestamp.tv_sec * 1_000_000_000 + buffer.timestamp.tv_usec * 1000;
        dequeued = new DequeuedBuffer((int)buffer.index, offset, Math.Max(0, used), buffer.flags, nanos, buffer.sequence);
        return true;
    }

    /// <summary>EXPBUF: plane <paramref name="plane"/> of buffer <paramref name="index"/> as a DMABUF file descriptor.</summary>
    public FileDescriptorHandle Export(int index, int plane)
    {
        var export = new v4l2_exportbuffer { type = Type, index = (uint)index, plane = (uint)plane, flags = Interop.Libc.O_CLOEXEC | Interop.Libc.O_RDWR };
        _device.Ioctl(VIDIOC_EXPBUF, ref export, $"export {Name} buffer {index} as DMABUF");
        return new FileDescriptorHandle(export.fd);
    }

    public void StreamOn()
    {
        int type = (int)Type;
        _device.Ioctl(VIDIOC_STREAMON, ref type, $"start streaming the {Name} queue");
        Streaming = true;
        PastLast = false;
    }

    /// <summary>STREAMOFF: every queued buffer comes back to us, dequeued or not.</summary>
    public void StreamOff()
    {
        int type = (int)Type;
        _device.Ioctl(VIDIOC_STREAMOFF, ref type, $"stop streaming the {Name} queue");
        Streaming = false;
    }

    v4l2_buffer Describe(int index, v4l2_plane* planes)
    {
        var buffer = new v4l2_buffer { index = (uint)index, type = Type, memory = Memory };
        if (IsMultiPlanar)
        {
            new Span<v4l2_plane>(planes, MaxPlanes).Clear();
            buffer.m_planes = planes;
            buffer.length = (uint)PlaneCount;
        }
        return buffer;
    }

    public void Dispose()
    {
        foreach (MappedBuffer[] planes in _mapped)
        {
            foreach (MappedBuffer plane in planes)
                plane.Dispose();
        }
        _mapped = [];
    }
}

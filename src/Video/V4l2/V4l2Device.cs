using System.Runtime.InteropServices;
using Ristbond.Platform;

namespace Ristbond.Video.V4l2;

/// <summary>
/// One open V4L2 device node and the one way ristbond talks to it: <see cref="Ioctl"/>, which retries EINTR and
/// turns any other failure into a one-line <see cref="RistbondException"/> naming the device and what was asked
/// ("Could not set the capture format on /dev/video2: Invalid argument").
/// </summary>
internal sealed unsafe class V4l2Device : IDisposable
{
    readonly FileDescriptorHandle _handle;

    V4l2Device(string path, FileDescriptorHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public int Fd => _handle.Fd;

    /// <summary>Opens <paramref name="path"/> read-write and non-blocking (every wait is an explicit poll).</summary>
    public static V4l2Device Open(string path)
    {
        int fd = Interop.Libc.Open(path, Interop.Libc.O_RDWR | Interop.Libc.O_NONBLOCK | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new RistbondException($"Could not open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", ExitCodes.BadInput);
        }
        return new V4l2Device(path, new FileDescriptorHandle(fd));
    }

    /// <summary>Calls the ioctl; on failure throws naming <paramref name="what"/> ("set the capture format").</summary>
    public void Ioctl<T>(nuint request, ref T argument, string what)
        where T : unmanaged
    {
        int errno = TryIoctl(request, ref argument);
        if (errno != 0)
            throw Failure(what, errno);
    }

    /// <summary>Calls the ioctl; returns 0 or the errno (EINTR retried), for callers that expect some failures.</summary>
    public int TryIoctl<T>(nuint request, ref T argument)
        where T : unmanaged
    {
        fixed (T* pointer = &argument)
        {
            while (true)
            {
                if (Interop.Libc.Ioctl(_handle.Fd, request, pointer) == 0)
                    return 0;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Libc.EINTR)
                    return errno;
            }
        }
    }

    public RistbondException Failure(string what, int errno) =>
        new($"Could not {what} on {Path}: {Marshal.GetPInvokeErrorMessage(errno)}", ExitCodes.RuntimeFailure);

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for <paramref name="events"/> (POLLIN: a capture buffer is
    /// done; POLLOUT: an output buffer is done). Returns the events that are set, 0 on timeout.
    /// </summary>
    public short Poll(short events, int timeoutMilliseconds)
    {
        var pollFd = new Interop.Libc.PollFd { Fd = _handle.Fd, Events = events };
        while (true)
        {
            int result = Interop.Libc.Poll(&pollFd, 1, timeoutMilliseconds);
            if (result >= 0)
                return result == 0 ? (short)0 : pollFd.Revents;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.Libc.EINTR)
                throw Failure("poll", errno);
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>A fourcc as its four characters ("HEVC", "NV12").</summary>
    public static string FourCc(uint code) =>
        string.Create(4, code, static (chars, c) =>
        {
            for (int i = 0; i < 4; i++)
                chars[i] = (char)((c >> (8 * i)) & 0xff);
        });

    /// <summary>A NUL-terminated fixed char array of a uAPI struct as a string.</summary>
    public static string Text(byte* bytes, int capacity)
    {
        int length = 0;
        while (length < capacity && bytes[length] != 0)
            length++;
        return System.Text.Encoding.UTF8.GetString(bytes, length);
    }
}

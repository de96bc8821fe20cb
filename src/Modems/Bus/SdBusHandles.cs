using Microsoft.Win32.SafeHandles;
using Ristbond.Platform;

namespace Ristbond.Modems.Bus;

/// <summary>An sd-bus connection (sd_bus*); releasing it flushes, closes and unrefs it.</summary>
internal sealed class SdBusHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SdBusHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.SdBus.sd_bus_flush_close_unref(handle);
        return true;
    }
}

/// <summary>One reference on an sd-bus message (sd_bus_message*); releasing it calls sd_bus_message_unref.</summary>
internal sealed class SdBusMessageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SdBusMessageHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes a new reference on a message sd-bus lends to a callback, so it outlives the callback.</summary>
    public static SdBusMessageHandle Borrow(IntPtr message)
    {
        var handle = new SdBusMessageHandle();
        handle.SetHandle(Interop.SdBus.sd_bus_message_ref(message));
        return handle;
    }

    protected override bool ReleaseHandle()
    {
        Interop.SdBus.sd_bus_message_unref(handle);
        return true;
    }
}

/// <summary>An eventfd the watcher thread polls beside the bus socket, so another thread can wake it.</summary>
internal sealed class EventFd : IDisposable
{
    readonly FileDescriptorHandle _handle;

    EventFd(FileDescriptorHandle handle) => _handle = handle;

    public static EventFd Create()
    {
        int fd = Interop.Poll.eventfd(0, Interop.Poll.EFD_CLOEXEC | Interop.Poll.EFD_NONBLOCK);
        if (fd < 0)
            BusErrors.ThrowErrno(-System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "create the watcher's eventfd");
        return new EventFd(new FileDescriptorHandle(fd));
    }

    public int Fd => _handle.Fd;

    public unsafe void Signal()
    {
        ulong one = 1;
        Interop.Poll.write(Fd, &one, sizeof(ulong));
    }

    public unsafe void Drain()
    {
        ulong count;
        Interop.Poll.read(Fd, &count, sizeof(ulong));
    }

    public void Dispose() => _handle.Dispose();
}

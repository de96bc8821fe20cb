using System.Runtime.InteropServices;

namespace Ristbond.Video.V4l2;

/// <summary>One plane of a V4L2 buffer mapped into our address space; releasing it unmaps it.</summary>
internal sealed unsafe class MappedBuffer : SafeHandle
{
    MappedBuffer(nint address, int length)
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    public int Length { get; }

    public byte* Pointer => (byte*)handle;

    public Span<byte> Span => new((void*)handle, Length);

    public override bool IsInvalid => handle == -1 || handle == 0;

    /// <summary>mmap()s <paramref name="length"/> bytes at the driver's <paramref name="offset"/> (from QUERYBUF).</summary>
    public static MappedBuffer Map(V4l2Device device, int length, uint offset, string what)
    {
        void* address = Interop.Libc.Mmap(null, (nuint)length, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, Interop.Libc.MAP_SHARED, device.Fd, offset);
        if (address == (void*)-1)
            throw device.Failure($"map {what}", Marshal.GetLastPInvokeError());
        return new MappedBuffer((nint)address, length);
    }

    protected override bool ReleaseHandle() => Interop.Libc.Munmap((void*)handle, (nuint)Length) == 0;
}

using System.Runtime.InteropServices;

// The V4L2 uAPI structs ristbond passes to ioctl, laid out as <linux/videodev2.h> lays them out for 64-bit
// Linux (LP64: long and pointers are 8 bytes). Tests/Video.Tests/V4l2LayoutTests checks every size and offset
// used here against the C compiler's view of the header. Only the fields ristbond reads or writes are named;
// the rest is padding of the right size.
internal static partial class Interop
{
    internal static unsafe partial class V4l2
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_capability
        {
            public fixed byte driver[16];
            public fixed byte card[32];
            public fixed byte bus_info[32];
            public uint version;
            public uint capabilities;
            public uint device_caps;
            public fixed uint reserved[3];
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_fmtdesc
        {
            public uint index;
            public uint type;
            public uint flags;
            public fixed byte description[32];
            public uint pixelformat;
            public uint mbus_code;
            public fixed uint reserved[3];
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_pix_format
        {
            public uint width;
            public uint height;
            public uint pixelformat;
            public uint field;
            public uint bytesperline;
            public uint sizeimage;
            public uint colorspace;
            public uint priv;
            public uint flags;
            public uint ycbcr_enc;
            public uint quantization;
            public uint xfer_func;
        }

        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        internal struct v4l2_plane_pix_format
        {
            public uint sizeimage;
            public uint bytesperline;
            public fixed ushort reserved[6];
        }

        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        internal struct v4l2_pix_format_mplane
        {
            public uint width;
            public uint height;
            public uint pixelformat;
            public uint field;
            public uint colorspace;
            public v4l2_plane_pix_format plane0;
            public v4l2_plane_pix_format plane1;
            public v4l2_plane_pix_format plane2;
            fixed byte _planes3to7[5 * 20];
            public byte num_planes;
            public byte flags;
            public byte ycbcr_enc;
            public byte quantization;
            public byte xfer_func;
            public fixed byte reserved[7];
        }

        // struct v4l2_format: the union is 200 bytes, 8-aligned (v4l2_window holds pointers), so it starts at 8.
        [StructLayout(LayoutKind.Explicit, Size = 208)]
        internal struct v4l2_format
        {
            [FieldOffset(0)] public uint type;
            [FieldOffset(8)] public v4l2_pix_format pix;
            [FieldOffset(8)] public v4l2_pix_format_mplane pix_mp;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_requestbuffers
        {
            public uint count;
            public uint type;
            public uint memory;
            public uint capabilities;
            public byte flags;
            public fixed byte reserved[3];
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct Timeval
        {
            public long tv_sec;
            public long tv_usec;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_plane
        {
            public uint bytesused;
            public uint length;
            public ulong m;               // union { __u32 mem_offset; unsigned long userptr; __s32 fd; }
            public uint data_offset;
            public fixed uint reserved[11];
        }

        [StructLayout(LayoutKind.Explicit, Size = 88)]
        internal struct v4l2_buffer
        {
            [FieldOffset(0)] public uint index;
            [FieldOffset(4)] public uint type;
            [FieldOffset(8)] public uint bytesused;
            [FieldOffset(12)] public uint flags;
            [FieldOffset(16)] public uint field;
            [FieldOffset(24)] public Timeval timestamp;
            [FieldOffset(56)] public uint sequence;
            [FieldOffset(60)] public uint memory;
            [FieldOffset(64)] public uint m_offset;
            [FieldOffset(64)] public v4l2_plane* m_planes;
            [FieldOffset(64)] public int m_fd;
            [FieldOffset(72)] public uint length;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_exportbuffer
        {
            public uint type;
            public uint index;
            public uint plane;
            public uint flags;
            public int fd;
            public fixed uint reserved[11];
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_queryctrl
        {
            public uint id;
            public uint type;
            public fixed byte name[32];
            public int minimum;
            public int maximum;
            public int step;
            public int default_value;
            public uint flags;
            public fixed uint reserved[2];
        }

        [StructLayout(LayoutKind.Explicit, Size = 20)]
        internal struct v4l2_ext_control
        {
            [FieldOffset(0)] public uint id;
            [FieldOffset(4)] public uint size;
            [FieldOffset(12)] public int value;
            [FieldOffset(12)] public long value64;
        }

        [StructLayout(LayoutKind.Explicit, Size = 32)]
        internal struct v4l2_ext_controls
        {
            [FieldOffset(0)] public uint which;
            [FieldOffset(4)] public uint count;
            [FieldOffset(8)] public uint error_idx;
            [FieldOffset(12)] public int request_fd;
            [FieldOffset(24)] public v4l2_ext_control* controls;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_encoder_cmd
        {
            public uint cmd;
            public uint flags;
            public fixed uint data[8];
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_fract
        {
            public uint numerator;
            public uint denominator;
        }

        // struct v4l2_streamparm with the output (and, same layout up to timeperframe, capture) parameters.
        [StructLayout(LayoutKind.Explicit, Size = 204)]
        internal struct v4l2_streamparm
        {
            [FieldOffset(0)] public uint type;
            [FieldOffset(4)] public uint capability;
            [FieldOffset(8)] public uint mode;
            [FieldOffset(12)] public v4l2_fract timeperframe;
        }
    
        [StructLayout(LayoutKind.Sequential)]
        internal struct v4l2_selection
        {
            public uint type;
            public uint target;
            public uint flags;
            public int left;
            public int top;
            public uint width;
            public uint height;
            public fixed uint reserved[9];
        }
    }
}

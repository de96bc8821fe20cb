// The V4L2 request numbers and constants ristbond uses, from <linux/videodev2.h> and <linux/v4l2-controls.h>.
// Request numbers are built as the kernel's _IOC macro builds them (direction, size of the argument, 'V', number),
// from the managed struct sizes, so a wrong layout also gives a wrong request and the ioctl fails with ENOTTY.
internal static partial class Interop
{
    internal static unsafe partial class V4l2
    {
        const uint IocWrite = 1, IocRead = 2;

        static nuint Ioc(uint direction, uint number, int size) => (nuint)((direction << 30) | ((uint)size << 16) | ('V' << 8) | number);

        internal static readonly nuint VIDIOC_QUERYCAP = Ioc(IocRead, 0, sizeof(v4l2_capability));
        internal static readonly nuint VIDIOC_ENUM_FMT = Ioc(IocRead | IocWrite, 2, sizeof(v4l2_fmtdesc));
        internal static readonly nuint VIDIOC_G_FMT = Ioc(IocRead | IocWrite, 4, sizeof(v4l2_format));
        internal static readonly nuint VIDIOC_S_FMT = Ioc(IocRead | IocWrite, 5, sizeof(v4l2_format));
        internal static readonly nuint VIDIOC_REQBUFS = Ioc(IocRead | IocWrite, 8, sizeof(v4l2_requestbuffers));
        internal static readonly nuint VIDIOC_QUERYBUF = Ioc(IocRead | IocWrite, 9, sizeof(v4l2_buffer));
        internal static readonly nuint VIDIOC_QBUF = Ioc(IocRead | IocWrite, 15, sizeof(v4l2_buffer));
        internal static readonly nuint VIDIOC_EXPBUF = Ioc(IocRead | IocWrite, 16, sizeof(v4l2_exportbuffer));
        internal static readonly nuint VIDIOC_DQBUF = Ioc(IocRead | IocWrite, 17, sizeof(v4l2_buffer));
        internal static readonly nuint VIDIOC_STREAMON = Ioc(IocWrite, 18, sizeof(int));
        internal static readonly nuint VIDIOC_STREAMOFF = Ioc(IocWrite, 19, sizeof(int));
        internal static readonly nuint VIDIOC_S_PARM = Ioc(IocRead | IocWrite, 22, sizeof(v4l2_streamparm));
        internal static readonly nuint VIDIOC_QUERYCTRL = Ioc(IocRead | IocWrite, 36, sizeof(v4l2_queryctrl));
        internal static readonly nuint VIDIOC_S_EXT_CTRLS = Ioc(IocRead | IocWrite, 72, sizeof(v4l2_ext_controls));
        internal static readonly nuint VIDIOC_S_SELECTION = Ioc(IocRead | IocWrite, 95, sizeof(v4l2_selection));
        internal static readonly nuint VIDIOC_ENCODER_CMD = Ioc(IocRead | IocWrite, 77, sizeof(v4l2_encoder_cmd));

        // device_caps / capabilities bits
        internal const uint V4L2_CAP_VIDEO_CAPTURE = 0x00000001;
        internal const uint V4L2_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000;
        internal const uint V4L2_CAP_VIDEO_M2M_MPLANE = 0x00004000;
        internal const uint V4L2_CAP_VIDEO_M2M = 0x00008000;
        internal const uint V4L2_CAP_STREAMING = 0x04000000;
        internal const uint V4L2_CAP_DEVICE_CAPS = 0x80000000;

        // enum v4l2_buf_type
        internal const uint V4L2_BUF_TYPE_VIDEO_CAPTURE = 1;
        internal const uint V4L2_BUF_TYPE_VIDEO_OUTPUT = 2;
        internal const uint V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE = 9;
        internal const uint V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE = 10;

        // enum v4l2_memory
        internal const uint V4L2_MEMORY_MMAP = 1;
        internal const uint V4L2_MEMORY_DMABUF = 4;

        internal const uint V4L2_FIELD_NONE = 1;
        internal const uint V4L2_BUF_CAP_SUPPORTS_DMABUF = 1 << 2;

        // v4l2_buffer.flags
        internal const uint V4L2_BUF_FLAG_KEYFRAME = 0x00000008;
        internal const uint V4L2_BUF_FLAG_ERROR = 0x00000040;
        internal const uint V4L2_BUF_FLAG_LAST = 0x00100000;
        internal const uint V4L2_BUF_FLAG_TIMESTAMP_MASK = 0x0000e000;
        internal const uint V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC = 0x00002000;

        internal const uint V4L2_ENC_CMD_STOP = 1;
        internal const uint V4L2_SEL_TGT_CROP = 0;
        internal const uint V4L2_CTRL_WHICH_CUR_VAL = 0;
        internal const uint V4L2_CTRL_FLAG_DISABLED = 0x0001;
        internal const uint V4L2_CTRL_FLAG_NEXT_CTRL = 0x80000000;

        // Pixel formats (fourcc, little-endian)
        internal const uint V4L2_PIX_FMT_HEVC = 0x43564548;     // 'HEVC'
        internal const uint V4L2_PIX_FMT_H264 = 0x34363248;     // 'H264'
        internal const uint V4L2_PIX_FMT_FWHT = 0x54485746;     // 'FWHT' (vicodec)
        internal const uint V4L2_PIX_FMT_NV12 = 0x3231564e;     // 'NV12'
        internal const uint V4L2_PIX_FMT_NV12M = 0x32314d4e;    // 'NM12' (two planes)
        internal const uint V4L2_PIX_FMT_YUV420 = 0x32315559;   // 'YU12'
        internal const uint V4L2_PIX_FMT_YUV420M = 0x32314d59;  // 'YM12' (three planes)

        // Codec controls (V4L2_CID_CODEC_BASE 0x00990900)
        internal const uint V4L2_CID_MPEG_VIDEO_B_FRAMES = 0x009909ca;
        internal const uint V4L2_CID_MPEG_VIDEO_GOP_SIZE = 0x009909cb;
        internal const uint V4L2_CID_MPEG_VIDEO_BITRATE_MODE = 0x009909ce;
        internal const uint V4L2_CID_MPEG_VIDEO_BITRATE = 0x009909cf;
        internal const uint V4L2_CID_MPEG_VIDEO_BITRATE_PEAK = 0x009909d0;
        internal const uint V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB = 0x009909d6;
        internal const uint V4L2_CID_MPEG_VIDEO_HEADER_MODE = 0x009909d8;
        internal const uint V4L2_CID_MPEG_VIDEO_VBV_SIZE = 0x009909de;
        internal const uint V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME = 0x009909e5;
        internal const uint V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD = 0x009909ec;
        internal const uint V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE = 0x009909ed;
        internal const uint V4L2_CID_FWHT_I_FRAME_QP = 0x00990a22;
        internal const uint V4L2_CID_FWHT_P_FRAME_QP = 0x00990a23;
        internal const uint V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP = 0x00990a5e;
        internal const uint V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP = 0x00990a5f;
        internal const uint V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE = 0x00990a64;
        internal const uint V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP = 0x00990b5a;
        internal const uint V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP = 0x00990b5b;
        internal const uint V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR = 0x00990b84;

        internal const int V4L2_MPEG_VIDEO_BITRATE_MODE_VBR = 0;
        internal const int V4L2_MPEG_VIDEO_BITRATE_MODE_CBR = 1;
        internal const int V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE_CYCLIC = 1;
        internal const int V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME = 1;
    }
}

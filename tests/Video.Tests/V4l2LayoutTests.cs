using Ristbond.Video.Tests.Harness;

namespace Ristbond.Video.Tests;

/// <summary>
/// The V4L2 uAPI layouts and numbers in src/Video/V4l2/Interop against the C compiler's view of
/// /usr/include/linux/videodev2.h on this machine (64-bit): sizes, the offsets ristbond reads and writes,
/// request numbers and constants must agree one by one. The ioctls themselves run for real in the QEMU board.
/// </summary>
public sealed class V4l2LayoutTests
{
    const string Program = """
        #include <stdio.h>
        #include <stddef.h>
        #include <linux/videodev2.h>
        #define SZ(t) printf("sizeof." #t " %zu\n", sizeof(struct t))
        #define OFF(t, f) printf(#t "." #f " %zu\n", offsetof(struct t, f))
        #define NUM(n) printf(#n " %lu\n", (unsigned long)(n))
        int main(void)
        {
            SZ(v4l2_capability); SZ(v4l2_fmtdesc); SZ(v4l2_format); SZ(v4l2_pix_format); SZ(v4l2_pix_format_mplane);
            SZ(v4l2_plane_pix_format); SZ(v4l2_requestbuffers); SZ(v4l2_buffer); SZ(v4l2_plane); SZ(v4l2_exportbuffer);
            SZ(v4l2_queryctrl); SZ(v4l2_ext_control); SZ(v4l2_ext_controls); SZ(v4l2_encoder_cmd); SZ(v4l2_streamparm);
            SZ(v4l2_selection); OFF(v4l2_selection, r); NUM(VIDIOC_S_SELECTION); NUM(V4L2_SEL_TGT_CROP);
            OFF(v4l2_capability, capabilities); OFF(v4l2_capability, device_caps);
            OFF(v4l2_fmtdesc, pixelformat);
            OFF(v4l2_format, fmt);
            OFF(v4l2_pix_format, bytesperline); OFF(v4l2_pix_format, sizeimage);
            OFF(v4l2_pix_format_mplane, plane_fmt); OFF(v4l2_pix_format_mplane, num_planes);
            OFF(v4l2_requestbuffers, capabilities);
            OFF(v4l2_buffer, bytesused); OFF(v4l2_buffer, flags); OFF(v4l2_buffer, field); OFF(v4l2_buffer, timestamp);
            OFF(v4l2_buffer, sequence); OFF(v4l2_buffer, memory); OFF(v4l2_buffer, m); OFF(v4l2_buffer, length);
            OFF(v4l2_plane, m); OFF(v4l2_plane, data_offset);
            OFF(v4l2_exportbuffer, fd);
            OFF(v4l2_queryctrl, minimum); OFF(v4l2_queryctrl, default_value); OFF(v4l2_queryctrl, flags);
            OFF(v4l2_ext_control, value);
            OFF(v4l2_ext_controls, count); OFF(v4l2_ext_controls, controls);
            printf("v4l2_streamparm.timeperframe %zu\n", offsetof(struct v4l2_streamparm, parm.output.timeperframe));
            NUM(VIDIOC_QUERYCAP); NUM(VIDIOC_ENUM_FMT); NUM(VIDIOC_G_FMT); NUM(VIDIOC_S_FMT); NUM(VIDIOC_REQBUFS);
            NUM(VIDIOC_QUERYBUF); NUM(VIDIOC_QBUF); NUM(VIDIOC_EXPBUF); NUM(VIDIOC_DQBUF); NUM(VIDIOC_STREAMON);
            NUM(VIDIOC_STREAMOFF); NUM(VIDIOC_S_PARM); NUM(VIDIOC_QUERYCTRL); NUM(VIDIOC_S_EXT_CTRLS); NUM(VIDIOC_ENCODER_CMD);
            NUM(V4L2_PIX_FMT_HEVC); NUM(V4L2_PIX_FMT_H264); NUM(V4L2_PIX_FMT_FWHT); NUM(V4L2_PIX_FMT_NV12);
            NUM(V4L2_PIX_FMT_NV12M); NUM(V4L2_PIX_FMT_YUV420); NUM(V4L2_PIX_FMT_YUV420M);
            NUM(V4L2_CID_MPEG_VIDEO_B_FRAMES); NUM(V4L2_CID_MPEG_VIDEO_GOP_SIZE); NUM(V4L2_CID_MPEG_VIDEO_BITRATE_MODE);
            NUM(V4L2_CID_MPEG_VIDEO_BITRATE); NUM(V4L2_CID_MPEG_VIDEO_HEADER_MODE); NUM(V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME);
            NUM(V4L2_CID_FWHT_I_FRAME_QP); NUM(V4L2_CID_FWHT_P_FRAME_QP);
            NUM(V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP); NUM(V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP);
            NUM(V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP); NUM(V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP);
            NUM(V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR);
            NUM(V4L2_CID_MPEG_VIDEO_BITRATE_PEAK); NUM(V4L2_CID_MPEG_VIDEO_VBV_SIZE); NUM(V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE);
            NUM(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD); NUM(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE);
            NUM(V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB); NUM(V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE_CYCLIC);
            NUM(V4L2_MPEG_VIDEO_BITRATE_MODE_VBR); NUM(V4L2_MPEG_VIDEO_BITRATE_MODE_CBR);
            NUM(V4L2_CAP_VIDEO_M2M); NUM(V4L2_CAP_VIDEO_M2M_MPLANE); NUM(V4L2_CAP_VIDEO_CAPTURE_MPLANE); NUM(V4L2_CAP_DEVICE_CAPS);
            NUM(V4L2_BUF_FLAG_KEYFRAME); NUM(V4L2_BUF_FLAG_LAST); NUM(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC);
            NUM(V4L2_BUF_CAP_SUPPORTS_DMABUF); NUM(V4L2_MEMORY_DMABUF); NUM(V4L2_ENC_CMD_STOP);
            return 0;
        }
        """;

    [Fact]
    public async Task Managed_layouts_and_numbers_match_videodev2_h()
    {
        Assert.True(File.Exists("/usr/include/linux/videodev2.h"), "/usr/include/linux/videodev2.h is missing: install linux-libc-dev");
        Dictionary<string, ulong> c = await CLayoutProbe.RunAsync(Program, TestContext.Current.CancellationToken);

        Dictionary<string, ulong> managed = ManagedLayout();
        Assert.Equal(c.Keys.Order(), managed.Keys.Order());
        foreach ((string name, ulong value) in managed)
            Assert.True(c[name] == value, $"{name}: videodev2.h says {c[name]}, ristbond uses {value}");
    }

    static unsafe Dictionary<string, ulong> ManagedLayout()
    {
        var capability = default(Interop.V4l2.v4l2_capability);
        var fmtdesc = default(Interop.V4l2.v4l2_fmtdesc);
        var format = default(Interop.V4l2.v4l2_format);
        var requestbuffers = default(Interop.V4l2.v4l2_requestbuffers);
        var buffer = default(Interop.V4l2.v4l2_buffer);
        var plane = default(Interop.V4l2.v4l2_plane);
        var export = default(Interop.V4l2.v4l2_exportbuffer);
        var queryctrl = default(Interop.V4l2.v4l2_queryctrl);
        var extControl = default(Interop.V4l2.v4l2_ext_control);
        var extControls = default(Interop.V4l2.v4l2_ext_controls);
        var streamparm = default(Interop.V4l2.v4l2_streamparm);
        var selection = default(Interop.V4l2.v4l2_selection);
        static ulong Off(void* field, void* start) => (ulong)((byte*)field - (byte*)start);
        return new()
        {
            ["sizeof.v4l2_capability"] = (ulong)sizeof(Interop.V4l2.v4l2_capability),
            ["sizeof.v4l2_fmtdesc"] = (ulong)sizeof(Interop.V4l2.v4l2_fmtdesc),
            ["sizeof.v4l2_format"] = (ulong)sizeof(Interop.V4l2.v4l2_format),
            ["sizeof.v4l2_pix_format"] = (ulong)sizeof(Interop.V4l2.v4l2_pix_format),
            ["sizeof.v4l2_pix_format_mplane"] = (ulong)sizeof(Interop.V4l2.v4l2_pix_format_mplane),
            ["sizeof.v4l2_plane_pix_format"] = (ulong)sizeof(Interop.V4l2.v4l2_plane_pix_format),
            ["sizeof.v4l2_requestbuffers"] = (ulong)sizeof(Interop.V4l2.v4l2_requestbuffers),
            ["sizeof.v4l2_buffer"] = (ulong)sizeof(Interop.V4l2.v4l2_buffer),
            ["sizeof.v4l2_plane"] = (ulong)sizeof(Interop.V4l2.v4l2_plane),
            ["sizeof.v4l2_exportbuffer"] = (ulong)sizeof(Interop.V4l2.v4l2_exportbuffer),
            ["sizeof.v4l2_queryctrl"] = (ulong)sizeof(Interop.V4l2.v4l2_queryctrl),
            ["sizeof.v4l2_ext_control"] = (ulong)sizeof(Interop.V4l2.v4l2_ext_control),
            ["sizeof.v4l2_ext_controls"] = (ulong)sizeof(Interop.V4l2.v4l2_ext_controls),
            ["sizeof.v4l2_encoder_cmd"] = (ulong)sizeof(Interop.V4l2.v4l2_encoder_cmd),
            ["sizeof.v4l2_streamparm"] = (ulong)sizeof(Interop.V4l2.v4l2_streamparm),
            ["sizeof.v4l2_selection"] = (ulong)sizeof(Interop.V4l2.v4l2_selection),
            ["v4l2_selection.r"] = Off(&selection.left, &selection),
            ["VIDIOC_S_SELECTION"] = Interop.V4l2.VIDIOC_S_SELECTION,
            ["V4L2_SEL_TGT_CROP"] = Interop.V4l2.V4L2_SEL_TGT_CROP,
            ["v4l2_capability.capabilities"] = Off(&capability.capabilities, &capability),
            ["v4l2_capability.device_caps"] = Off(&capability.device_caps, &capability),
            ["v4l2_fmtdesc.pixelformat"] = Off(&fmtdesc.pixelformat, &fmtdesc),
            ["v4l2_format.fmt"] = Off(&format.pix, &format),
            ["v4l2_pix_format.bytesperline"] = Off(&format.pix.bytesperline, &format.pix),
            ["v4l2_pix_format.sizeimage"] = Off(&format.pix.sizeimage, &format.pix),
            ["v4l2_pix_format_mplane.plane_fmt"] = Off(&format.pix_mp.plane0, &format.pix_mp),
            ["v4l2_pix_format_mplane.num_planes"] = Off(&format.pix_mp.num_planes, &format.pix_mp),
            ["v4l2_requestbuffers.capabilities"] = Off(&requestbuffers.capabilities, &requestbuffers),
            ["v4l2_buffer.bytesused"] = Off(&buffer.bytesused, &buffer),
            ["v4l2_buffer.flags"] = Off(&buffer.flags, &buffer),
            ["v4l2_buffer.field"] = Off(&buffer.field, &buffer),
            ["v4l2_buffer.timestamp"] = Off(&buffer.timestamp, &buffer),
            ["v4l2_buffer.sequence"] = Off(&buffer.sequence, &buffer),
            ["v4l2_buffer.memory"] = Off(&buffer.memory, &buffer),
            ["v4l2_buffer.m"] = Off(&buffer.m_offset, &buffer),
            ["v4l2_buffer.length"] = Off(&buffer.length, &buffer),
            ["v4l2_plane.m"] = Off(&plane.m, &plane),
            ["v4l2_plane.data_offset"] = Off(&plane.data_offset, &plane),
            ["v4l2_exportbuffer.fd"] = Off(&export.fd, &export),
            ["v4l2_queryctrl.minimum"] = Off(&queryctrl.minimum, &queryctrl),
            ["v4l2_queryctrl.default_value"] = Off(&queryctrl.default_value, &queryctrl),
            ["v4l2_queryctrl.flags"] = Off(&queryctrl.flags, &queryctrl),
            ["v4l2_ext_control.value"] = Off(&extControl.value, &extControl),
            ["v4l2_ext_controls.count"] = Off(&extControls.count, &extControls),
            ["v4l2_ext_controls.controls"] = Off(&extControls.controls, &extControls),
            ["v4l2_streamparm.timeperframe"] = Off(&streamparm.timeperframe, &streamparm),
            ["VIDIOC_QUERYCAP"] = Interop.V4l2.VIDIOC_QUERYCAP,
            ["VIDIOC_ENUM_FMT"] = Interop.V4l2.VIDIOC_ENUM_FMT,
            ["VIDIOC_G_FMT"] = Interop.V4l2.VIDIOC_G_FMT,
            ["VIDIOC_S_FMT"] = Interop.V4l2.VIDIOC_S_FMT,
            ["VIDIOC_REQBUFS"] = Interop.V4l2.VIDIOC_REQBUFS,
            ["VIDIOC_QUERYBUF"] = Interop.V4l2.VIDIOC_QUERYBUF,
            ["VIDIOC_QBUF"] = Interop.V4l2.VIDIOC_QBUF,
            ["VIDIOC_EXPBUF"] = Interop.V4l2.VIDIOC_EXPBUF,
            ["VIDIOC_DQBUF"] = Interop.V4l2.VIDIOC_DQBUF,
            ["VIDIOC_STREAMON"] = Interop.V4l2.VIDIOC_STREAMON,
            ["VIDIOC_STREAMOFF"] = Interop.V4l2.VIDIOC_STREAMOFF,
            ["VIDIOC_S_PARM"] = Interop.V4l2.VIDIOC_S_PARM,
            ["VIDIOC_QUERYCTRL"] = Interop.V4l2.VIDIOC_QUERYCTRL,
            ["VIDIOC_S_EXT_CTRLS"] = Interop.V4l2.VIDIOC_S_EXT_CTRLS,
            ["VIDIOC_ENCODER_CMD"] = Interop.V4l2.VIDIOC_ENCODER_CMD,
            ["V4L2_PIX_FMT_HEVC"] = Interop.V4l2.V4L2_PIX_FMT_HEVC,
            ["V4L2_PIX_FMT_H264"] = Interop.V4l2.V4L2_PIX_FMT_H264,
            ["V4L2_PIX_FMT_FWHT"] = Interop.V4l2.V4L2_PIX_FMT_FWHT,
            ["V4L2_PIX_FMT_NV12"] = Interop.V4l2.V4L2_PIX_FMT_NV12,
            ["V4L2_PIX_FMT_NV12M"] = Interop.V4l2.V4L2_PIX_FMT_NV12M,
            ["V4L2_PIX_FMT_YUV420"] = Interop.V4l2.V4L2_PIX_FMT_YUV420,
            ["V4L2_PIX_FMT_YUV420M"] = Interop.V4l2.V4L2_PIX_FMT_YUV420M,
            ["V4L2_CID_MPEG_VIDEO_B_FRAMES"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_B_FRAMES,
            ["V4L2_CID_MPEG_VIDEO_GOP_SIZE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_GOP_SIZE,
            ["V4L2_CID_MPEG_VIDEO_BITRATE_MODE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_BITRATE_MODE,
            ["V4L2_CID_MPEG_VIDEO_BITRATE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_BITRATE,
            ["V4L2_CID_MPEG_VIDEO_HEADER_MODE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_HEADER_MODE,
            ["V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME,
            ["V4L2_CID_FWHT_I_FRAME_QP"] = Interop.V4l2.V4L2_CID_FWHT_I_FRAME_QP,
            ["V4L2_CID_FWHT_P_FRAME_QP"] = Interop.V4l2.V4L2_CID_FWHT_P_FRAME_QP,
            ["V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP,
            ["V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP,
            ["V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP,
            ["V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP,
            ["V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR,
            ["V4L2_CID_MPEG_VIDEO_BITRATE_PEAK"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_BITRATE_PEAK,
            ["V4L2_CID_MPEG_VIDEO_VBV_SIZE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_VBV_SIZE,
            ["V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_H264_CPB_SIZE,
            ["V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD,
            ["V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE,
            ["V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB"] = Interop.V4l2.V4L2_CID_MPEG_VIDEO_CYCLIC_INTRA_REFRESH_MB,
            ["V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE_CYCLIC"] = (ulong)Interop.V4l2.V4L2_CID_MPEG_VIDEO_INTRA_REFRESH_PERIOD_TYPE_CYCLIC,
            ["V4L2_MPEG_VIDEO_BITRATE_MODE_VBR"] = (ulong)Interop.V4l2.V4L2_MPEG_VIDEO_BITRATE_MODE_VBR,
            ["V4L2_MPEG_VIDEO_BITRATE_MODE_CBR"] = (ulong)Interop.V4l2.V4L2_MPEG_VIDEO_BITRATE_MODE_CBR,
            ["V4L2_CAP_VIDEO_M2M"] = Interop.V4l2.V4L2_CAP_VIDEO_M2M,
            ["V4L2_CAP_VIDEO_M2M_MPLANE"] = Interop.V4l2.V4L2_CAP_VIDEO_M2M_MPLANE,
            ["V4L2_CAP_VIDEO_CAPTURE_MPLANE"] = Interop.V4l2.V4L2_CAP_VIDEO_CAPTURE_MPLANE,
            ["V4L2_CAP_DEVICE_CAPS"] = Interop.V4l2.V4L2_CAP_DEVICE_CAPS,
            ["V4L2_BUF_FLAG_KEYFRAME"] = Interop.V4l2.V4L2_BUF_FLAG_KEYFRAME,
            ["V4L2_BUF_FLAG_LAST"] = Interop.V4l2.V4L2_BUF_FLAG_LAST,
            ["V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC"] = Interop.V4l2.V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC,
            ["V4L2_BUF_CAP_SUPPORTS_DMABUF"] = Interop.V4l2.V4L2_BUF_CAP_SUPPORTS_DMABUF,
            ["V4L2_MEMORY_DMABUF"] = Interop.V4l2.V4L2_MEMORY_DMABUF,
            ["V4L2_ENC_CMD_STOP"] = Interop.V4l2.V4L2_ENC_CMD_STOP,
        };
    }
}

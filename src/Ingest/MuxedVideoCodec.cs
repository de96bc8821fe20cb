using Ristbond.MpegTs;
using Ristbond.Video.V4l2;

namespace Ristbond.Ingest;

/// <summary>The one mapping from what a V4L2 encoder produces to what the TS muxer declares.</summary>
public static class MuxedVideoCodec
{
    /// <summary>
    /// HEVC and H.264 as themselves; FWHT (vicodec's test codec, PES private data) only when <paramref name="allowFwht"/>.
    /// False for anything MPEG-TS does not carry.
    /// </summary>
    public static bool TryFrom(V4l2Codec codec, bool allowFwht, out VideoCodec muxed)
    {
        (bool carried, muxed) = codec switch
        {
            V4l2Codec.Hevc => (true, VideoCodec.Hevc),
            V4l2Codec.H264 => (true, VideoCodec.H264),
            V4l2Codec.Fwht when allowFwht => (true, VideoCodec.Fwht),
            _ => (false, default),
        };
        return carried;
    }
}

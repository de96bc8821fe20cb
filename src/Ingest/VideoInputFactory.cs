using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Ingest;

/// <summary>
/// Video ristbond encodes itself (<c>-i pattern</c>, <c>-i v4l2:///dev/videoN</c>): the frame source and the
/// <c>--encoder</c> choice opened together, so the frames come in the layout the encoder takes and, from a capture
/// device into a V4L2 encoder, as DMABUF the encoder reads in place. Every device is opened here, before anything
/// is sent, so a missing or unsuitable one stops the start with one line naming it.
/// </summary>
static class VideoInputFactory
{
    /// <summary>The test pattern through the chosen encoder; the encoder is opened first, so a missing library fails here.</summary>
    public static VideoTsSource OpenPattern(VideoInputOptions video)
    {
        VideoEncoderChoice choice = VideoEncoderFactory.Resolve(video.Encoder);
        VideoFormat format = new(video.Width, video.Height, VideoEncoderFactory.PreferredPixelFormat(choice),
            video.FrameRateNumerator, video.FrameRateDenominator);
        IVideoEncoder encoder = VideoEncoderFactory.Open(choice, format, Settings(video));
        try
        {
            return Source(new PatternFrameSource(format), encoder, video, choice);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A capture device at the size and rate asked for (the driver may grant others: the granted format is encoded),
    /// through the chosen encoder: a V4L2 encoder imports the capture buffers as DMABUF when both drivers can and lay
    /// the frame out alike, and is given copies otherwise; x265 reads the captured frames.
    /// </summary>
    public static VideoTsSource OpenCapture(string input, string devicePath, VideoInputOptions video)
    {
        VideoEncoderChoice choice = VideoEncoderFactory.Resolve(video.Encoder);
        int framesPerSecond = (int)Math.Max(1, Math.Round((double)video.FrameRateNumerator / video.FrameRateDenominator));
        bool hardware = choice.Kind == VideoEncoderKind.V4l2;
        var frames = new V4l2FrameSource(input, V4l2Capture.Open(devicePath, video.Width, video.Height, framesPerSecond, exportDmabuf: hardware));
        IVideoEncoder? encoder = null;
        try
        {
            encoder = hardware ? OpenHardware(choice.Text, frames, Settings(video)) : VideoEncoderFactory.Open(choice, frames.Format, Settings(video));
            return Source(frames, encoder, video, choice);
        }
        catch
        {
            encoder?.Dispose();
            frames.Dispose();
            throw;
        }
    }

    static IVideoEncoder OpenHardware(string encoderPath, V4l2FrameSource frames, VideoEncoderSettings settings)
    {
        V4l2Capture capture = frames.Capture;
        V4l2Encoder encoder = VideoEncoderFactory.OpenV4l2(encoderPath, capture.Format, settings, importDmabuf: capture.ExportsDmabuf);
        if (!encoder.ImportsDmabuf)
            return encoder;
        if (encoder.Layout.SameAs(capture.Layout))
            return new DmabufImportEncoder(encoder, frames);
        // The encoder would read the capture buffers with another stride or padding: give it copies instead.
        encoder.Dispose();
        return VideoEncoderFactory.OpenV4l2(encoderPath, capture.Format, settings, importDmabuf: false);
    }

    static VideoTsSource Source(IFrameSource frames, IVideoEncoder encoder, VideoInputOptions video, VideoEncoderChoice resolved)
    {
        string detail = VideoEncoderFactory.Describe(encoder);
        if (video.Encoder.Kind == VideoEncoderKind.Auto)
            detail += resolved.Kind == VideoEncoderKind.X265 ? " [auto: no V4L2 HEVC/H.264 encoder found]" : " [auto]";
        return new VideoTsSource(frames, encoder, VideoEncoderFactory.NameOf(encoder), codec: CodecOf(encoder, video), encoderDetail: detail);
    }

    /// <summary>What the muxer declares: the V4L2 encoder's codec (HEVC, H.264, or FWHT when asked for), else HEVC.</summary>
    static VideoCodec CodecOf(IVideoEncoder encoder, VideoInputOptions video)
    {
        V4l2Encoder? v4l2 = encoder as V4l2Encoder ?? (encoder as DmabufImportEncoder)?.Encoder;
        if (v4l2 is null)
            return VideoCodec.Hevc;
        return MuxedVideoCodec.TryFrom(v4l2.Codec, video.AllowFwht, out VideoCodec muxed)
            ? muxed
            : throw new RistbondException($"Could not send video from {v4l2.DevicePath}: it produces {v4l2.Codec.ToString().ToUpperInvariant()}, which MPEG-TS does not carry");
    }

    static VideoEncoderSettings Settings(VideoInputOptions video) => new()
    {
        InitialBitrate = video.InitialBitrateBps,
        MaximumBitrate = video.MaxBitrateBps,
        // Only for a device named by path: auto must never land on vicodec's test codec.
        AllowFwht = video.AllowFwht && video.Encoder.Kind == VideoEncoderKind.V4l2,
    };
}

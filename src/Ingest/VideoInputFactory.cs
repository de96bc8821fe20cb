using Microsoft.Extensions.Logging;
using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Ingest;

/// <summary>
/// Video ristbond encodes itself (<c>-i pattern</c>, <c>-i v4l2:///dev/videoN</c>): the frame source and the
/// <c>--encoder</c> choice opened together, so the frames come in the layout the encoder takes and, from a capture
/// device into a V4L2 encoder, as DMABUF the encoder reads in place. Every device is opened here, before anything
/// is sent, so a missing or unsuitable one stops the start with one line naming it; except that a V4L2 encoder
/// <c>--encoder auto</c> found but could not open (busy, a format it refuses) gives way to x265 with one warning, as
/// "auto" promises. A V4L2 encoder named by path never falls back.
/// </summary>
static class VideoInputFactory
{
    /// <summary>The test pattern through the chosen encoder; the encoder is opened first, so a missing library fails here.</summary>
    public static VideoTsSource OpenPattern(VideoInputOptions video, ILogger log)
    {
        VideoEncoderChoice choice = VideoEncoderFactory.Resolve(video.Encoder, video.EncoderDevices);
        VideoFormat format = new(video.Width, video.Height, VideoEncoderFactory.PreferredPixelFormat(choice),
            video.FrameRateNumerator, video.FrameRateDenominator);
        // x265 takes the V4L2 encoder's NV12 as well, so a fallback keeps the format.
        IVideoEncoder encoder = OpenFallingBack(video, choice, format, () => VideoEncoderFactory.Open(choice, format, Settings(video)), log, out string? fellBack);
        try
        {
            return Source(new PatternFrameSource(format), encoder, video, choice, fellBack);
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
    public static VideoTsSource OpenCapture(string input, string devicePath, VideoInputOptions video, ILogger log)
    {
        VideoEncoderChoice choice = VideoEncoderFactory.Resolve(video.Encoder, video.EncoderDevices);
        int framesPerSecond = (int)Math.Max(1, Math.Round((double)video.FrameRateNumerator / video.FrameRateDenominator));
        bool hardware = choice.Kind == VideoEncoderKind.V4l2;
        var frames = new V4l2FrameSource(input, V4l2Capture.Open(devicePath, video.Width, video.Height, framesPerSecond, exportDmabuf: hardware));
        IVideoEncoder? encoder = null;
        try
        {
            string? fellBack = null;
            encoder = hardware
                ? OpenFallingBack(video, choice, frames.Format, () => OpenHardware(choice.Text, frames, Settings(video)), log, out fellBack)
                : VideoEncoderFactory.Open(choice, frames.Format, Settings(video));
            return Source(frames, encoder, video, choice, fellBack);
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

    /// <summary>
    /// Opens the encoder <paramref name="resolved"/> names with <paramref name="open"/>. When that is a V4L2 encoder
    /// auto chose and it fails, logs one warning naming the device and why and opens x265 for
    /// <paramref name="format"/> instead (<paramref name="fellBack"/>: the device). Any other failure stops the start.
    /// </summary>
    static IVideoEncoder OpenFallingBack(VideoInputOptions video, VideoEncoderChoice resolved, VideoFormat format, Func<IVideoEncoder> open,
        ILogger log, out string? fellBack)
    {
        fellBack = null;
        if (video.Encoder.Kind != VideoEncoderKind.Auto || resolved.Kind != VideoEncoderKind.V4l2)
            return open();
        try
        {
            return open();
        }
        catch (RistbondException e)
        {
            // e.Message names the device and the reason ("Could not open /dev/video3: Device or resource busy").
            log.LogWarning("video: --encoder auto found the V4L2 encoder {Device} but cannot use it, encoding with x265 instead: {Reason}",
                resolved.Text, e.Message);
            fellBack = resolved.Text;
            return VideoEncoderFactory.Open(VideoEncoderChoice.Software, format, Settings(video));
        }
    }

    static VideoTsSource Source(IFrameSource frames, IVideoEncoder encoder, VideoInputOptions video, VideoEncoderChoice resolved, string? fellBackFrom)
    {
        string detail = VideoEncoderFactory.Describe(encoder);
        if (video.Encoder.Kind == VideoEncoderKind.Auto)
        {
            detail += fellBackFrom is not null ? $" [auto: {fellBackFrom} could not be opened]"
                : resolved.Kind == VideoEncoderKind.X265 ? " [auto: no V4L2 HEVC/H.264 encoder found]" : " [auto]";
        }
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
        LatencyBudgetMilliseconds = video.LatencyBudgetMilliseconds,
        IntraRefresh = video.IntraRefresh,
        // Only for a device named by path: auto must never land on vicodec's test codec.
        AllowFwht = video.AllowFwht && video.Encoder.Kind == VideoEncoderKind.V4l2,
    };
}

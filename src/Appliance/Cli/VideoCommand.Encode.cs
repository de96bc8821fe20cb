using Ristbond.Ingest;
using Ristbond.MpegTs;
using Ristbond.Platform;
using Ristbond.Video;
using Ristbond.Video.V4l2;

namespace Ristbond.Appliance.Cli;

// `ristbond video encode`: the loop and its report. The report's lines are read by the board's test steps
// (board/qemu-x86_64/guest/steps.sh): keep their words stable.
public static partial class VideoCommand
{
    internal static int RunEncode(EncodeSettings s, TextWriter output)
    {
        if (s.Frames <= 0)
            throw new RistbondException($"--frames {s.Frames} is not positive");
        string? capturePath = s.Input == "pattern" ? null
            : s.Input.StartsWith("v4l2://", StringComparison.Ordinal) && s.Input.Length > "v4l2://".Length ? s.Input["v4l2://".Length..]
            : throw new RistbondException($"--input '{s.Input}' is not pattern or v4l2:///dev/videoN");
        string devicePath = s.Device ?? FindEncoder(s.Codecs);

        using V4l2Capture? capture = capturePath is null ? null : V4l2Capture.Open(capturePath, s.Width, s.Height, s.FramesPerSecond, exportDmabuf: s.Dmabuf);
        VideoFormat format = capture?.Format ?? new VideoFormat(s.Width, s.Height, PixelFormat.Nv12, s.FramesPerSecond);
        var options = new V4l2EncoderOptions
        {
            Codecs = s.Codecs,
            InitialBitrate = s.Bitrate,
            KeyframeIntervalSeconds = s.KeyframeIntervalSeconds,
            BitrateByRestart = s.BitrateByRestart,
            ImportDmabuf = capture is { ExportsDmabuf: true },
        };
        V4l2Encoder encoder = V4l2Encoder.Open(devicePath, format, options);
        string dmabuf = capture is null ? "" : !capture.ExportsDmabuf ? ", no DMABUF export" : !encoder.ImportsDmabuf ? ", no DMABUF import" : "";
        if (encoder.ImportsDmabuf && !encoder.Layout.SameAs(capture!.Layout))
        {
            dmabuf = $", layouts differ (capture stride {capture.Layout.LumaStride} x {capture.Layout.PaddedHeight}, encoder {encoder.Layout.LumaStride} x {encoder.Layout.PaddedHeight})";
            // The capture buffers are laid out differently from what the encoder reads: copy instead.
            encoder.Dispose();
            encoder = V4l2Encoder.Open(devicePath, format, options with { ImportDmabuf = false });
        }
        using (encoder)
        {
            string source = capture is null ? $"pattern {format}" : $"{capturePath} ({capture.Info.Driver}) {format}, {(encoder.ImportsDmabuf ? "DMABUF import" : "copied")}{dmabuf}";
            output.WriteLine($"encoder {encoder.DevicePath}: {encoder.Info.Driver} '{encoder.Info.Card}', {encoder.Codec.ToString().ToUpperInvariant()}, " +
                             $"{(encoder.Info.IsMultiPlanarM2M ? "multi-planar" : "single-planar")}, raw {(encoder.Layout.InterleavedChroma ? "NV12" : "YU12")} " +
                             $"stride {encoder.Layout.LumaStride}, bitrate control {encoder.BitrateControl}, gop {encoder.GopSize}");
            output.WriteLine($"input {source}");
            using FileStream? file = s.Output is null ? null : OpenOutput(s.Output);
            VideoMuxer? muxer = file is not null && s.Output!.EndsWith(".ts", StringComparison.OrdinalIgnoreCase) ? CreateMuxer(encoder, file, s.Output) : null;
            var report = new EncodeReport(encoder, output);
            report.StartSegment(0, s.Bitrate);
            var pattern = capture is null ? new TestPatternSource(format) : null;
            // The capture path as `send -i v4l2://` runs it: the frame source hands each buffer back at the next
            // frame, and a DMABUF-importing encoder is given the held frame's buffer.
            using V4l2FrameSource? frames = capture is null ? null : new V4l2FrameSource(s.Input, capture);
            IVideoEncoder coder = frames is not null && encoder.ImportsDmabuf ? new DmabufImportEncoder(encoder, frames) : encoder;
            for (int i = 0; i < s.Frames; i++)
            {
                if (s.BitrateChanges.TryGetValue(i, out long rate))
                {
                    report.EndSegment(i - 1);
                    encoder.SetBitrate(rate);
                    report.StartSegment(i, rate);
                }
                if (s.Keyframes.Contains(i))
                    encoder.ForceKeyframe();
                bool produced;
                EncodedAccessUnit unit;
                if (capture is null)
                {
                    produced = encoder.Encode(pattern!.NextFrame(), MonotonicClock.NowNanos, out unit);
                    if (produced)
                        Deliver(unit, report, file, muxer);
                    continue;
                }
                // Waits up to V4l2FrameSource.StallTimeoutMilliseconds, then throws naming the device.
                _ = frames!.TryNextFrame(CancellationToken.None, out ReadOnlySpan<byte> frame, out long captureNanos);
                if (coder.Encode(frame, captureNanos, out unit))
                    Deliver(unit, report, file, muxer);
            }
            while (encoder.Drain(out EncodedAccessUnit unit))
                Deliver(unit, report, file, muxer);
            muxer?.Flush();
            report.EndSegment(s.Frames - 1);
            report.Summary(s.Frames, frames?.SkippedFrames ?? 0);
            if (report.Coded == 0)
                throw new RistbondException($"Could not encode on {encoder.DevicePath}: {s.Frames} frames in, no coded frame out", ExitCodes.RuntimeFailure);
        }
        return ExitCodes.Ok;
    }

    static void Deliver(EncodedAccessUnit unit, EncodeReport report, FileStream? file, VideoMuxer? muxer)
    {
        report.Add(unit);
        if (muxer is not null)
            muxer.Write(unit.Data, unit.Pts90kHz + VideoMuxer.TicksPerSecond, unit.IsKeyframe);
        else
            file?.Write(unit.Data);
    }

    static string FindEncoder(IReadOnlyList<V4l2Codec> codecs)
    {
        IReadOnlyList<V4l2DeviceInfo> devices = V4l2Discovery.Scan();
        return V4l2Discovery.FindEncoder(devices, codecs)?.Path
            ?? throw new RistbondException(
                $"Could not find a V4L2 encoder producing {string.Join(" or ", codecs.Select(c => c.ToString().ToUpperInvariant()))} under /dev ({devices.Count} video devices; 'ristbond video devices' lists them)",
                ExitCodes.RuntimeFailure);
    }

    static FileStream OpenOutput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RistbondException($"Could not create --output {path}: {e.Message}");
        }
    }

    static VideoMuxer CreateMuxer(V4l2Encoder encoder, FileStream file, string path)
    {
        if (!MuxedVideoCodec.TryFrom(encoder.Codec, allowFwht: false, out VideoCodec codec))
            throw new RistbondException($"Could not write {path}: {encoder.DevicePath} produces {encoder.Codec.ToString().ToUpperInvariant()}, which MPEG-TS does not carry; name the output .raw");
        return new VideoMuxer(new FileDatagramSink(file), new VideoMuxerOptions { Codec = codec });
    }

    sealed class FileDatagramSink(FileStream file) : IDatagramSink
    {
        public void Send(ReadOnlySpan<byte> datagram) => file.Write(datagram);
    }
}

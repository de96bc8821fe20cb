namespace Ristbond.MpegTs.Tests.Harness;

/// <summary>
/// Access units that look like encoder output to the muxer (start code, NAL header, body) without being decodable,
/// their timings, and a muxer run over them whose output is kept packet by packet.
/// </summary>
public static class FakeVideo
{
    public sealed record Frame(byte[] AccessUnit, long Pts, long Dts, bool Keyframe);

    /// <summary>
    /// One slice NAL unit of <paramref name="size"/> bytes in all, optionally after a delimiter. The body never
    /// holds a zero byte, so no start code can appear inside it.
    /// </summary>
    public static byte[] AccessUnit(VideoCodec codec, int size, bool keyframe = false, bool withDelimiter = false, int seed = 0)
    {
        if (codec == VideoCodec.Fwht)
            return FwhtFrame(size, keyframe, seed);
        byte[] slice = codec == VideoCodec.Hevc
            ? [0, 0, 0, 1, (byte)((keyframe ? 19 : 1) << 1), 0x01]  // IDR_W_RADL or TRAIL_R
            : [0, 0, 0, 1, (byte)(keyframe ? 0x65 : 0x41)];          // IDR or non-IDR slice
        byte[] unit = new byte[(withDelimiter ? AnnexB.Delimiter(codec).Length : 0) + Math.Max(size, slice.Length)];
        int offset = 0;
        if (withDelimiter)
        {
            AnnexB.Delimiter(codec).CopyTo(unit);
            offset = AnnexB.Delimiter(codec).Length;
        }
        slice.CopyTo(unit, offset);
        for (int i = offset + slice.Length; i < unit.Length; i++)
            unit[i] = (byte)(1 + (i * 31 + seed) % 251);
        return unit;
    }

    /// <summary>
    /// An FWHT frame as vicodec writes it: struct fwht_cframe_hdr (two magic words, then big-endian version, width,
    /// height, flags with V4L2_FWHT_FL_I_FRAME for a keyframe, …), then a body that is not decodable.
    /// </summary>
    public static byte[] FwhtFrame(int size, bool keyframe, int seed = 0)
    {
        byte[] frame = new byte[Math.Max(size, 44)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame, 0x4f4f4f4f);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 0xffffffff);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 320);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(16), 180);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(20), keyframe ? 1u << 10 : 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(40), (uint)(frame.Length - 44));
        for (int i = 44; i < frame.Length; i++)
            frame[i] = (byte)((i * 31 + seed) % 256);
        return frame;
    }

    /// <summary>
    /// <paramref name="count"/> frames at <paramref name="fps"/>, a keyframe every <paramref name="gop"/>, sizes
    /// varying with the frame number. With B-frames they come in decode order I P B B P B B …, DTS one frame behind.
    /// </summary>
    public static List<Frame> Frames(VideoCodec codec, int count, int fps = 25, int gop = 25, bool bFrames = false, long firstPts = 900_000, int baseSize = 3000)
    {
        long step = VideoMuxer.TicksPerSecond / fps;
        var frames = new List<Frame>(count);
        for (int i = 0; i < count; i++)
        {
            int display = bFrames ? DisplayIndex(i) : i;
            bool keyframe = display % gop == 0;
            int size = keyframe ? baseSize * 5 : baseSize + (i * 977) % baseSize;
            long pts = firstPts + display * step;
            long dts = bFrames ? firstPts + (i - 1) * step : pts;
            frames.Add(new Frame(AccessUnit(codec, size, keyframe, seed: i), pts, dts, keyframe));
        }
        return frames;
    }

    /// <summary>Decode order 0, 3, 1, 2, 6, 4, 5, …: each P-frame ahead of the two B-frames shown before it.</summary>
    static int DisplayIndex(int decodeIndex) => decodeIndex == 0 ? 0 : ((decodeIndex - 1) % 3) switch
    {
        0 => decodeIndex + 2,
        _ => decodeIndex - 1,
    };

    public static VideoMuxerOptions Options(VideoCodec codec) => new() { Codec = codec };

    /// <summary>Muxes the frames (flushing after the last) and returns the packets, split out of the datagrams.</summary>
    public static List<byte[]> Mux(IEnumerable<Frame> frames, VideoMuxerOptions options, bool flushEachFrame = false)
    {
        var sink = new ListSink();
        var muxer = new VideoMuxer(sink, options);
        foreach (Frame frame in frames)
        {
            muxer.Write(frame.AccessUnit, frame.Pts, frame.Dts, frame.Keyframe);
            if (flushEachFrame)
                muxer.Flush();
        }
        muxer.Flush();
        Assert.All(sink.Datagrams, d => Assert.Equal(TsPacket.DatagramSize, d.Length));
        return sink.Packets;
    }

    public static List<byte[]> Mux(IEnumerable<Frame> frames, VideoCodec codec) => Mux(frames, Options(codec));
}

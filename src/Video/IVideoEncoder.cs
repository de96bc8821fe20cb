namespace Ristbond.Video;

/// <summary>
/// Raw frames in, HEVC access units out, on the send path's one encoding thread. <see cref="SetBitrate"/> and
/// <see cref="ForceKeyframe"/> may be called from any thread: they only leave a request that the encoding
/// thread picks up at its next frame, so the frame path takes no lock. One class per mechanism implements it
/// (<see cref="X265Encoder"/> in software; a V4L2 stateful encoder in hardware).
/// </summary>
public interface IVideoEncoder : IDisposable
{
    VideoFormat Format { get; }

    /// <summary>The bitrate most recently asked for, in bits per second (applied or still pending).</summary>
    long TargetBitrate { get; }

    /// <summary>Asks for a new bitrate from the next frame on. Thread-safe; the latest request wins.</summary>
    void SetBitrate(long bitsPerSecond);

    /// <summary>Makes the next frame an IDR with parameter sets (a receiver joined, or lost the picture). Thread-safe.</summary>
    void ForceKeyframe();

    /// <summary>
    /// Encodes one packed raw frame of <see cref="Format"/>. Returns true with the access unit that came out, which
    /// may belong to an earlier frame if the encoder has a delay; false while its pipeline fills.
    /// </summary>
    /// <exception cref="ArgumentException">The frame is not <see cref="VideoFormat.FrameBytes"/> long.</exception>
    bool Encode(ReadOnlySpan<byte> frame, long captureNanos, out EncodedAccessUnit accessUnit);

    /// <summary>At end of stream: returns the delayed access units one per call until it returns false.</summary>
    bool Drain(out EncodedAccessUnit accessUnit);
}

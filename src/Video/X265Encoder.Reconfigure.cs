using Ristbond.Platform;

namespace Ristbond.Video;

// Live bitrate changes through x265_encoder_reconfig, applied on the frame thread before the next frame.
//
// Why a plain x265_encoder_reconfig changes nothing in x265 3.5 (read in its source, encoder/api.cpp and
// encoder/encoder.cpp; measured: frame sizes byte-identical after 2000 -> 300 kbit/s):
// - reconfig copies bitrate, vbv-maxrate and vbv-bufsize into the encoder's "latest" parameters, then calls
//   Encoder::configure(latest), which ends by pointing the encoder's own parameters at that same struct.
// - at the next frame the encoder copies "latest" into its parameters (now a copy onto itself) and calls
//   RateControl::reconfigureRC, which reads the struct rate control was created with: still the old rates.
// The one path through reconfig that skips configure() is taken when the caller's force-flush differs from the
// latest parameters' (x265_encoder_reconfig returns Encoder::reconfigureParam directly). Then the encoder's own
// parameters stay the struct rate control reads, the copy at the next frame lands in it, and reconfigureRC applies
// the new bitrate and VBV (m_bitrate, buffer rate and size). force-flush=1 itself only resets the lookahead's
// fill state at that frame, which zero latency (no lookahead, no B-frames) never uses, and x265 clears it again.
// So: once per frame at most (x265 clears the flag when the next picture comes in; a second call before that would
// take the configure() path), with force-flush=1, on the frame thread between two encode calls.
// Measured (X265BitrateTests): frame sizes move from the next frame (a drop is within 25% of the new rate 2 frames
// later, a rise 6 frames later, over x265's ABR history); no IDR, no reopen. The level
// x265 derives from vbv-maxrate is pinned by level-idc (HevcLevel), so a change never moves it.
public sealed unsafe partial class X265Encoder
{
    readonly X265ParamHandle _rateChange;   // reused for every change: the frame path allocates nothing
    long _appliedBitrate;

    /// <summary>The bitrate the encoder runs at now (the last one applied). Read it on the encoding thread.</summary>
    public long AppliedBitrate => _appliedBitrate;

    /// <summary>Live bitrate changes applied so far. Read it on the encoding thread.</summary>
    public int BitrateChanges { get; private set; }

    /// <summary>On the frame thread, before a frame: hands x265 the latest requested bitrate if it differs (in kbit/s).</summary>
    void ApplyRequestedBitrate()
    {
        long requested = Volatile.Read(ref _targetBitrate);
        if (Kbps(requested) == Kbps(_appliedBitrate))
            return;
        SetRate(_rateChange, requested, _options.LatencyBudgetMilliseconds);
        Set(_rateChange, "force-flush\0"u8, 1);
        int result = Interop.X265.x265_encoder_reconfig(_handle, _rateChange);
        if (result != 0)
            throw new RistbondException($"Could not change the x265 bitrate to {requested} bit/s: x265_encoder_reconfig returned {result}", ExitCodes.RuntimeFailure);
        _appliedBitrate = requested;
        BitrateChanges++;
    }
}

using Ristbond.Platform;
using static Interop.V4l2;

namespace Ristbond.Video.V4l2;

// Bitrate and keyframes. SetBitrate/ForceKeyframe only leave a request (Interlocked); the encoding thread applies
// it at its next frame: live through the bitrate control, by stopping and restarting both queues where the
// driver refuses a live change (or BitrateByRestart says it ignores one), or through the QP where there is no
// bitrate control. A restart waits for a frame boundary with no frame inside the device, so no coded frame is lost.
public sealed partial class V4l2Encoder
{
    long _targetBitrate;
    long _appliedBitrate;
    int _keyframeRequested;
    bool _restartPending;
    QpRateController? _qp;
    ControlRange _iQp, _pQp;

    /// <summary>How a bitrate change reaches this device.</summary>
    public BitrateControlKind BitrateControl { get; private set; }

    /// <summary>The QP in use when <see cref="BitrateControl"/> is <see cref="BitrateControlKind.QpMapping"/>; 0 otherwise.</summary>
    public int Qp => _qp?.Qp ?? 0;

    /// <summary>Frames between keyframes the device was set to (0: the device's own choice).</summary>
    public int GopSize { get; private set; }

    /// <summary>Times the queues were stopped and restarted to apply a change (bitrate or keyframe).</summary>
    public int Restarts { get; private set; }

    public long TargetBitrate => Interlocked.Read(ref _targetBitrate);

    public void SetBitrate(long bitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerSecond);
        Interlocked.Exchange(ref _targetBitrate, bitsPerSecond);
    }

    public void ForceKeyframe() => Interlocked.Exchange(ref _keyframeRequested, 1);

    void ConfigureControls()
    {
        int gop = (int)Math.Max(1, Math.Round(Format.FramesPerSecond * _options.KeyframeIntervalSeconds));
        bool refreshing = ConfigureIntraRefresh(gop);
        if (_controls.TryGet(V4L2_CID_MPEG_VIDEO_GOP_SIZE, out ControlRange gopRange))
        {
            // With intra refresh the periodic IDR is what it replaces: as rare as the device allows.
            GopSize = refreshing ? gopRange.Maximum : gopRange.Clamp(gop);
            _controls.Set(V4L2_CID_MPEG_VIDEO_GOP_SIZE, GopSize);
        }
        _controls.SetIfPresent(V4L2_CID_MPEG_VIDEO_B_FRAMES, 0);
        // Parameter sets in the first frame and before every IDR: a TS receiver can join at any keyframe.
        _controls.SetIfPresent(V4L2_CID_MPEG_VIDEO_HEADER_MODE, V4L2_MPEG_VIDEO_HEADER_MODE_JOINED_WITH_1ST_FRAME);
        _controls.SetIfPresent(V4L2_CID_MPEG_VIDEO_PREPEND_SPSPPS_TO_IDR, 1);

        if (_controls.Has(V4L2_CID_MPEG_VIDEO_BITRATE))
        {
            ChooseBitrateMode();
            _controls.Set(V4L2_CID_MPEG_VIDEO_BITRATE, _appliedBitrate);
            ShapeRate(_appliedBitrate);
            BitrateControl = _options.BitrateByRestart ? BitrateControlKind.Restart : BitrateControlKind.Live;
        }
        else if (FindQpControls(out _iQp, out _pQp))
        {
            int initial = _options.InitialQp ?? _pQp.Default;
            _qp = new QpRateController(Math.Max(_iQp.Minimum, _pQp.Minimum), Math.Min(_iQp.Maximum, _pQp.Maximum), initial, Format.FramesPerSecond, _appliedBitrate);
            WriteQp(_qp.Qp);
            BitrateControl = BitrateControlKind.QpMapping;
        }
        else
        {
            BitrateControl = BitrateControlKind.None;
        }
    }

    bool FindQpControls(out ControlRange iQp, out ControlRange pQp)
    {
        (uint I, uint P)[] pairs = Codec switch
        {
            V4l2Codec.Fwht => [(V4L2_CID_FWHT_I_FRAME_QP, V4L2_CID_FWHT_P_FRAME_QP)],
            V4l2Codec.Hevc => [(V4L2_CID_MPEG_VIDEO_HEVC_I_FRAME_QP, V4L2_CID_MPEG_VIDEO_HEVC_P_FRAME_QP)],
            _ => [(V4L2_CID_MPEG_VIDEO_H264_I_FRAME_QP, V4L2_CID_MPEG_VIDEO_H264_P_FRAME_QP)],
        };
        foreach ((uint i, uint p) in pairs)
        {
            if (_controls.TryGet(i, out iQp) && _controls.TryGet(p, out pQp))
                return true;
        }
        iQp = pQp = default;
        return false;
    }

    void WriteQp(int qp)
    {
        _controls.Set(_iQp.Id, qp);
        _controls.Set(_pQp.Id, qp);
    }

    /// <summary>At the start of a frame: the latest bitrate and keyframe requests, and a restart when one is due.</summary>
    void ApplyRequests()
    {
        long target = Interlocked.Read(ref _targetBitrate);
        bool keyframe = Interlocked.Exchange(ref _keyframeRequested, 0) != 0;
        if (target != _appliedBitrate)
        {
            keyframe |= target < _appliedBitrate * _options.KeyframeOnDropBelow;
            ApplyBitrate(target);
        }
        if (keyframe)
        {
            if (_controls.Has(V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME))
                _controls.Set(V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME, 1);
            else
                _restartPending = true;   // vicodec: a restart starts a new GOP with an intra frame
        }
        if (_restartPending && _inFlight == 0)
            Restart();
    }

    void ApplyBitrate(long target)
    {
        switch (BitrateControl)
        {
            case BitrateControlKind.Live:
                // Before and after: a peak below the bitrate may be refused, so a rise needs it raised first, a drop after.
                ShapeRate(target);
                int errno = _controls.TrySet(V4L2_CID_MPEG_VIDEO_BITRATE, target);
                ShapeRate(target);
                if (errno is Interop.Libc.EBUSY or Interop.Libc.EINVAL)
                {
                    // The driver takes the bitrate only between sequences: from now on every change restarts.
                    BitrateControl = BitrateControlKind.Restart;
                    _restartPending = true;
                }
                else if (errno != 0)
                    throw _device.Failure($"set the bitrate to {target} bit/s", errno);
                break;
            case BitrateControlKind.Restart:
                _restartPending = true;
                break;
            case BitrateControlKind.QpMapping:
                WriteQp(_qp!.SetTarget(target));
                break;
        }
        _appliedBitrate = target;
    }

    /// <summary>A coded frame of <paramref name="bytes"/> came out: the QP mapping learns from its size.</summary>
    void OnCodedFrame(int bytes)
    {
        if (_qp is null)
            return;
        int before = _qp.Qp;
        if (_qp.OnFrame(bytes) != before)
            WriteQp(_qp.Qp);
    }

    /// <summary>Stops both queues (nothing is inside the device), applies what needs a stopped encoder, starts again.</summary>
    void Restart()
    {
        _restartPending = false;
        _coded.StreamOff();
        _raw.StreamOff();
        if (BitrateControl == BitrateControlKind.Restart)
        {
            ShapeRate(_appliedBitrate);
            _controls.Set(V4L2_CID_MPEG_VIDEO_BITRATE, _appliedBitrate);
            ShapeRate(_appliedBitrate);
        }
        StartStreaming();
        Restarts++;
    }
}

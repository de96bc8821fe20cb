namespace Ristbond.Video.V4l2;

/// <summary>
/// Bitrate for encoders that have no bitrate control, only a quantizer (vicodec's FWHT_I/P_FRAME_QP; some HEVC
/// and H.264 encoders in constant-QP mode): picks the QP from the measured size of the frames that come out.
/// A higher QP quantizes coarser and gives smaller frames. Each frame's size feeds a moving average; when it is
/// more than <see cref="DeadBand"/> away from the target bits per frame, the QP moves by about
/// <see cref="StepsPerDoubling"/> steps per factor of two of error (at most <see cref="MaxStep"/>), and the average
/// restarts from the frames made at the new QP. A new target moves the QP at once by the ratio of old to new.
/// Pure: numbers in, QP out; the encoder writes the QP to the device.
/// </summary>
public sealed class QpRateController
{
    /// <summary>Relative error tolerated before the QP moves (0.15: within 15% of the target).</summary>
    public const double DeadBand = 0.15;

    /// <summary>QP steps per factor of two between measured and target size.</summary>
    public const double StepsPerDoubling = 3.0;

    public const int MaxStep = 4;

    /// <summary>Weight of the newest frame in the moving average of frame sizes.</summary>
    public const double AverageWeight = 0.3;

    readonly double _framesPerSecond;
    double _averageBits;
    bool _haveAverage;

    public QpRateController(int minimumQp, int maximumQp, int initialQp, double framesPerSecond, long targetBitsPerSecond)
    {
        if (minimumQp > maximumQp)
            throw new ArgumentException($"QP range {minimumQp}..{maximumQp} is empty");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetBitsPerSecond);
        MinimumQp = minimumQp;
        MaximumQp = maximumQp;
        Qp = Math.Clamp(initialQp, minimumQp, maximumQp);
        _framesPerSecond = framesPerSecond;
        TargetBitsPerSecond = targetBitsPerSecond;
    }

    public int MinimumQp { get; }
    public int MaximumQp { get; }
    public int Qp { get; private set; }
    public long TargetBitsPerSecond { get; private set; }
    public double TargetBitsPerFrame => TargetBitsPerSecond / _framesPerSecond;

    /// <summary>A new target: the QP moves at once by the log ratio of the old target to the new one. Returns the QP.</summary>
    public int SetTarget(long bitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerSecond);
        double ratio = (double)TargetBitsPerSecond / bitsPerSecond;
        TargetBitsPerSecond = bitsPerSecond;
        Move(ratio);
        return Qp;
    }

    /// <summary>One coded frame of <paramref name="frameBytes"/> came out at the current QP. Returns the QP for the next frame.</summary>
    public int OnFrame(int frameBytes)
    {
        double bits = 8.0 * frameBytes;
        _averageBits = _haveAverage ? _averageBits + AverageWeight * (bits - _averageBits) : bits;
        _haveAverage = true;
        double ratio = _averageBits / TargetBitsPerFrame;
        if (ratio > 1 + DeadBand || ratio < 1 - DeadBand)
            Move(ratio);
        return Qp;
    }

    /// <summary>Frames <paramref name="ratio"/> times too large: raise the QP (lower it when the ratio is below 1).</summary>
    void Move(double ratio)
    {
        if (ratio <= 0 || double.IsNaN(ratio))
            return;
        double steps = Math.Log2(ratio) * StepsPerDoubling;
        int step = (int)Math.Clamp(Math.Round(steps, MidpointRounding.AwayFromZero), -MaxStep, MaxStep);
        int next = Math.Clamp(Qp + step, MinimumQp, MaximumQp);
        if (next != Qp)
        {
            Qp = next;
            _haveAverage = false;   // the frames made at the old QP no longer say anything
        }
    }
}

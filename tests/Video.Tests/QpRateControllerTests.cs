using Ristbond.Video.V4l2;

namespace Ristbond.Video.Tests;

/// <summary>
/// The bitrate-to-QP mapping for encoders without a bitrate control, driven by a simulated encoder: the host has
/// no V4L2 encoder, so frame sizes come from a model (size falls as QP rises, keyframes 4x a P-frame). This is a
/// fake of the device's response, used only here; the real vicodec runs the same controller in the QEMU board.
/// </summary>
public sealed class QpRateControllerTests
{
    const double Fps = 30;

    /// <summary>Bytes of a frame at <paramref name="qp"/>: halves every 4 QP steps, keyframes every 10th frame 4x larger.</summary>
    static int SimulatedFrameBytes(int qp, int frame) => (int)(200_000 * Math.Pow(2, -qp / 4.0) * (frame % 10 == 0 ? 4 : 1));

    static (double AverageBitsPerSecond, int Qp) Run(QpRateController controller, int frames, int firstFrame = 0)
    {
        long bytes = 0;
        int counted = 0;
        for (int i = firstFrame; i < firstFrame + frames; i++)
        {
            int size = SimulatedFrameBytes(controller.Qp, i);
            controller.OnFrame(size);
            if (i >= firstFrame + frames - 30)
            {
                bytes += size;
                counted++;
            }
        }
        return (bytes * 8.0 / counted * Fps, controller.Qp);
    }

    [Fact]
    public void Converges_near_a_reachable_target()
    {
        var controller = new QpRateController(1, 51, 20, Fps, 2_000_000);
        (double bps, _) = Run(controller, 120);
        Assert.InRange(bps, 2_000_000 * 0.7, 2_000_000 * 1.3);
    }

    [Fact]
    public void A_lower_target_raises_the_QP_and_shrinks_the_frames()
    {
        var controller = new QpRateController(1, 51, 20, Fps, 4_000_000);
        (double highBps, int highQp) = Run(controller, 90);
        controller.SetTarget(1_000_000);
        Assert.True(controller.Qp > highQp, $"QP {controller.Qp} after the drop, {highQp} before: the drop must raise it at once");
        (double lowBps, int lowQp) = Run(controller, 90, firstFrame: 90);
        Assert.True(lowQp > highQp);
        Assert.InRange(lowBps, 1_000_000 * 0.7, 1_000_000 * 1.3);
        Assert.True(lowBps < highBps / 2, $"{lowBps:0} bit/s after the drop vs {highBps:0} before");
    }

    [Fact]
    public void An_unreachable_target_stops_at_the_end_of_the_range()
    {
        var controller = new QpRateController(1, 31, 20, Fps, 1_000);
        Run(controller, 60);
        Assert.Equal(31, controller.Qp);
        controller.SetTarget(1_000_000_000);
        Run(controller, 60, firstFrame: 60);
        Assert.Equal(1, controller.Qp);
    }

    [Fact]
    public void A_small_target_change_leaves_the_QP_alone()
    {
        var controller = new QpRateController(1, 51, 20, Fps, 2_000_000);
        Assert.Equal(20, controller.SetTarget(2_100_000));
    }

    [Fact]
    public void An_empty_range_is_refused_with_its_numbers()
    {
        var error = Assert.Throws<ArgumentException>(() => new QpRateController(30, 10, 20, Fps, 1_000_000));
        Assert.Contains("30..10", error.Message);
    }
}

namespace Ristbond.Video.Tests;

public sealed class TestPatternSourceTests
{
    static readonly VideoFormat Small = new(320, 240, PixelFormat.I420, 30);

    [Fact]
    public void The_clock_reads_hours_to_milliseconds()
    {
        Span<char> text = stackalloc char[12];
        TestPatternSource.FormatClock(new TimeSpan(0, 13, 4, 59, 7), text);
        Assert.Equal("13:04:59.007", text.ToString());
    }

    [Fact]
    public void The_counter_keeps_its_last_eight_digits()
    {
        Span<char> text = stackalloc char[8];
        TestPatternSource.FormatCounter(42, text);
        Assert.Equal("00000042", text.ToString());
        TestPatternSource.FormatCounter(123_456_789, text);
        Assert.Equal("23456789", text.ToString());
    }

    [Fact]
    public void Frames_are_drawn_into_one_buffer_without_allocating()
    {
        var source = new TestPatternSource(TestPatternSource.DefaultFormat);
        source.NextFrame();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            source.NextFrame();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(11, source.FrameIndex);
    }

    [Fact]
    public void The_burnt_in_clock_changes_the_picture_where_it_is_drawn()
    {
        var source = new TestPatternSource(Small, noiseFraction: 0);
        byte[] first = source.Render(5, new TimeSpan(0, 10, 0, 0, 0)).ToArray();
        byte[] second = source.Render(5, new TimeSpan(0, 10, 0, 0, 1)).ToArray();

        int[] changed = [.. Enumerable.Range(0, Small.LumaBytes).Where(i => first[i] != second[i])];
        Assert.NotEmpty(changed);
        // Only the last millisecond digit differs: every changed pixel is in the top-left text box.
        Assert.All(changed, i => Assert.True(i / Small.Width < Small.Height / 4 && i % Small.Width < Small.Width * 3 / 4, $"pixel {i}"));
    }

    [Fact]
    public void The_bars_move_from_frame_to_frame()
    {
        var source = new TestPatternSource(Small, noiseFraction: 0);
        int bottomRow = (Small.Height - 1) * Small.Width;
        byte[] first = source.Render(0, TimeSpan.Zero).Slice(bottomRow, Small.Width).ToArray();
        byte[] second = source.Render(1, TimeSpan.Zero).Slice(bottomRow, Small.Width).ToArray();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void I420_and_NV12_carry_the_same_chroma()
    {
        var i420 = new TestPatternSource(Small, noiseFraction: 0.1).Render(3, TimeSpan.FromHours(1)).ToArray();
        var nv12 = new TestPatternSource(new VideoFormat(320, 240, PixelFormat.Nv12), 0.1).Render(3, TimeSpan.FromHours(1)).ToArray();
        int quarter = Small.LumaBytes / 4;

        Assert.Equal(i420.AsSpan(0, Small.LumaBytes).ToArray(), nv12.AsSpan(0, Small.LumaBytes).ToArray());
        for (int i = 0; i < quarter; i++)
        {
            Assert.Equal(i420[Small.LumaBytes + i], nv12[Small.LumaBytes + 2 * i]);
            Assert.Equal(i420[Small.LumaBytes + quarter + i], nv12[Small.LumaBytes + 2 * i + 1]);
        }
    }
}

namespace Ristbond.Video.Tests;

/// <summary>The parameter sets of the last access unit that had them go into each one that has none, after its delimiter.</summary>
public sealed class ParameterSetRepeaterTests
{
    // HEVC NAL headers (type << 1, then layer/tid byte 1) behind 4- and 3-byte start codes.
    static readonly byte[] s_aud = [0, 0, 0, 1, 0x46, 0x01, 0x50];
    static readonly byte[] s_vps = [0, 0, 0, 1, 0x40, 0x01, 0xAA];
    static readonly byte[] s_sps = [0, 0, 0, 1, 0x42, 0x01, 0xBB, 0xBB];
    static readonly byte[] s_pps = [0, 0, 1, 0x44, 0x01, 0xCC];
    static readonly byte[] s_idr = [0, 0, 1, 0x26, 0x01, 0x11, 0x22, 0x00, 0x00, 0x01, 0x26, 0x01, 0x33];
    static readonly byte[] s_trail = [0, 0, 1, 0x02, 0x01, 0x44, 0x55];

    static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public void An_access_unit_without_parameter_sets_gets_the_cached_ones_after_its_delimiter()
    {
        var repeater = new ParameterSetRepeater(hevc: true, expectedAccessUnitBytes: 64);
        byte[] first = Concat(s_aud, s_vps, s_sps, s_pps, s_idr);
        byte[] next = Concat(s_aud, s_trail);

        Assert.Equal(first, repeater.Complete(first).ToArray());
        Assert.Equal(Concat(s_aud, s_vps, s_sps, s_pps, s_trail), repeater.Complete(next).ToArray());
        Assert.Equal(1, repeater.Inserted);
    }

    [Fact]
    public void Without_a_delimiter_they_go_first_and_nothing_is_added_before_any_was_seen()
    {
        var repeater = new ParameterSetRepeater(hevc: true, expectedAccessUnitBytes: 0);

        Assert.Equal(s_trail, repeater.Complete(s_trail).ToArray());
        repeater.Complete(Concat(s_vps, s_sps, s_pps, s_idr));
        Assert.Equal(Concat(s_vps, s_sps, s_pps, s_trail), repeater.Complete(s_trail).ToArray());
    }

    [Fact]
    public void Newer_parameter_sets_replace_the_cached_ones()
    {
        var repeater = new ParameterSetRepeater(hevc: true, expectedAccessUnitBytes: 64);
        byte[] otherSps = [0, 0, 0, 1, 0x42, 0x01, 0xDD];
        repeater.Complete(Concat(s_aud, s_vps, s_sps, s_pps, s_idr));
        repeater.Complete(Concat(s_aud, otherSps, s_idr));

        Assert.Equal(Concat(s_aud, otherSps, s_trail), repeater.Complete(Concat(s_aud, s_trail)).ToArray());
    }

    [Fact]
    public void H264_sps_and_pps_are_repeated_after_its_delimiter()
    {
        var repeater = new ParameterSetRepeater(hevc: false, expectedAccessUnitBytes: 64);
        byte[] aud = [0, 0, 0, 1, 0x09, 0xF0];
        byte[] sps = [0, 0, 0, 1, 0x67, 0x42];
        byte[] pps = [0, 0, 0, 1, 0x68, 0xCE];
        byte[] idr = [0, 0, 0, 1, 0x65, 0x88];
        byte[] slice = [0, 0, 0, 1, 0x41, 0x9A];
        repeater.Complete(Concat(aud, sps, pps, idr));

        Assert.Equal(Concat(aud, sps, pps, slice), repeater.Complete(Concat(aud, slice)).ToArray());
    }

    [Fact]
    public void A_steady_stream_allocates_nothing()
    {
        var repeater = new ParameterSetRepeater(hevc: true, expectedAccessUnitBytes: 64);
        byte[] first = Concat(s_aud, s_vps, s_sps, s_pps, s_idr);
        byte[] next = Concat(s_aud, s_trail);
        repeater.Complete(first);
        repeater.Complete(next);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            repeater.Complete(i % 10 == 0 ? first : next);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

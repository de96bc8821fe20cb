using Ristbond.Rist;

namespace Ristbond.Rist.Tests;

/// <summary>The structs we lay out by hand must match librist's headers on 64-bit Linux (sizes read with offsetof in C).</summary>
public sealed class InteropTests
{
    [Fact]
    public unsafe void Struct_sizes_match_the_C_headers()
    {
        Assert.Equal(72, sizeof(Interop.Rist.rist_data_block));
        Assert.Equal(192, sizeof(Interop.Rist.rist_stats_sender_peer));
        Assert.Equal(392, sizeof(Interop.Rist.rist_stats));
        Assert.Equal(40, sizeof(Interop.Rist.rist_logging_settings));
    }

    [Theory]
    [InlineData("0.2.7", 0, 2, 7)]
    [InlineData("v0.2.10-3-gabcdef", 0, 2, 10)]
    [InlineData("0.2.8+dfsg", 0, 2, 8)]
    [InlineData("1.0.0", 1, 0, 0)]
    public void Versions_parse(string text, int major, int minor, int patch) =>
        Assert.Equal(new Version(major, minor, patch), RistLibrary.ParseVersion(text));

    [Theory]
    [InlineData("")]
    [InlineData("0.2")]
    [InlineData("unknown")]
    public void Unreadable_versions_are_null(string text) => Assert.Null(RistLibrary.ParseVersion(text));

    [Fact]
    public void Installed_librist_is_new_enough_and_caller_miface_is_decided_by_version()
    {
        Assert.True(RistLibrary.Version >= RistLibrary.Minimum);
        Assert.Equal(RistLibrary.Version >= new Version(0, 2, 8), RistLibrary.SupportsCallerMiface);
    }

    [Theory]
    [InlineData("Advertising flow_id 3089155902 and peer_id 4", 4u)]
    [InlineData("Advertising flow_id 1 and peer_id 12 extra", 12u)]
    [InlineData("something else", 0u)]
    public void Advertised_peer_ids_are_read_from_librists_log(string line, uint id) =>
        Assert.Equal(id, RistSender.ParseAdvertisedPeerId(line));
}

using Ristbond.Rist;

namespace Ristbond.Rist.Tests;

/// <summary>The structs we lay out by hand must match librist's headers on 64-bit Linux (sizes read with sizeof in C, 0.2.11).</summary>
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

    [Fact]
    public void The_librist_in_use_is_the_one_built_from_the_pinned_source()
    {
        // Not a system librist found by the loader: the shared build copied beside this assembly.
        Assert.Equal("0.2.11", RistLibrary.Version);
    }
}

using Ristbond.Platform;

namespace Ristbond.Video.Tests;

public sealed class X265LibraryTests
{
    [Fact]
    public void The_system_library_is_x265_3_5()
    {
        Assert.StartsWith("3.5", X265Library.Version);
    }

    [Fact]
    public void A_missing_library_is_named_in_the_error()
    {
        const string path = "/nonexistent/libx265.so.199";

        var error = Assert.Throws<RistbondException>(() => X265Library.Load(path, out _));

        Assert.Contains(path, error.Message);
        Assert.Contains("libx265", error.Message);
        Assert.Equal(ExitCodes.MissingLibrary, error.ExitCode);
    }

    [Fact]
    public void A_library_without_the_build_199_encoder_is_refused()
    {
        // libc loads fine but exports no x265_encoder_open_199: the same as a libx265 of another ABI build.
        var error = Assert.Throws<RistbondException>(() => X265Library.Load("libc.so.6", out _));

        Assert.Contains("x265_encoder_open_199", error.Message);
        Assert.Contains("libc.so.6", error.Message);
    }
}

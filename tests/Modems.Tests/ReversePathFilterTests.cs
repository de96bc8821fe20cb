namespace Ristbond.Modems.Tests;

/// <summary>
/// The reverse-path filter as the kernel applies it (the larger of <c>all</c> and the interface's), read from a fake
/// /proc/sys; the real files are read by the end-to-end test on veth "modems" (EndToEnd.Tests, BoundLinkTests).
/// </summary>
public sealed class ReversePathFilterTests : IDisposable
{
    readonly string _procSys = Directory.CreateTempSubdirectory("ristbond-procsys-").FullName;

    void Set(string interfaceName, string value)
    {
        string dir = Path.Combine(_procSys, "net", "ipv4", "conf", interfaceName);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "rp_filter"), value + "\n");
    }

    [Theory]
    [InlineData("0", "0", ReversePathMode.Off)]
    [InlineData("0", "1", ReversePathMode.Strict)]
    [InlineData("1", "0", ReversePathMode.Strict)]
    [InlineData("1", "2", ReversePathMode.Loose)]
    [InlineData("2", "1", ReversePathMode.Loose)]
    [InlineData("0", "2", ReversePathMode.Loose)]
    public void The_larger_of_all_and_the_interface_applies(string all, string own, ReversePathMode expected)
    {
        Set("all", all);
        Set("wwan0", own);
        Assert.Equal(expected, ReversePathFilter.Check("wwan0", _procSys).Mode);
    }

    [Fact]
    public void Strict_warns_in_one_line_naming_the_interface_and_the_fix()
    {
        Set("all", "0");
        Set("wwan1", "1");
        string warning = ReversePathFilter.Check("wwan1", _procSys).Warning!;
        Assert.DoesNotContain('\n', warning);
        Assert.StartsWith("wwan1: the reverse-path filter is strict", warning, StringComparison.Ordinal);
        Assert.EndsWith("sysctl -w net.ipv4.conf.wwan1.rp_filter=2", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dotted_interface_name_is_written_with_slashes_in_the_sysctl_fix()
    {
        Set("all", "1");
        Set("eth0.100", "0");
        Assert.EndsWith("net.ipv4.conf.eth0/100.rp_filter=2", ReversePathFilter.Check("eth0.100", _procSys).Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Loose_off_and_an_interface_that_is_not_there_say_nothing()
    {
        Set("all", "1");
        Set("wwan0", "2");
        Assert.Null(ReversePathFilter.Check("wwan0", _procSys).Warning);
        ReversePathCheck missing = ReversePathFilter.Check("wwan9", _procSys);
        Assert.Equal(ReversePathMode.Unknown, missing.Mode);
        Assert.Null(missing.Warning);
        Set("wwan2", "garbage");
        Assert.Equal(ReversePathMode.Unknown, ReversePathFilter.Check("wwan2", _procSys).Mode);
    }

    public void Dispose() => Directory.Delete(_procSys, recursive: true);
}

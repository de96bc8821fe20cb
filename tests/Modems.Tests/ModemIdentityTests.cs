namespace Ristbond.Modems.Tests;

/// <summary>Only the IMEI's last 4 digits are kept, and that is what any text shows.</summary>
public sealed class ModemIdentityTests
{
    [Theory]
    [InlineData("356938035643809", "3809")]
    [InlineData(" 356938035643809 ", "3809")]
    [InlineData("123", "123")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Last_four(string? identifier, string? last4) => Assert.Equal(last4, ModemIdentity.LastFourOf(identifier));

    [Fact]
    public void Text_names_the_modem_with_the_last_four_digits()
    {
        Assert.Equal("Quectel EM12-G, IMEI …3809", new ModemIdentity("Quectel", "EM12-G", "3809").ToString());
        Assert.Equal("unknown modem", ModemIdentity.Unknown.ToString());
        var snapshot = new ModemSnapshot { Path = "/org/freedesktop/ModemManager1/Modem/0", Identity = new ModemIdentity(null, "EM7565", "0001") };
        Assert.Equal("modem /org/freedesktop/ModemManager1/Modem/0 (EM7565, IMEI …0001)", snapshot.ToString());
    }

    [Fact]
    public void Access_technologies_read_like_mmcli()
    {
        Assert.Equal("lte, 5gnr", ModemManagerText.Of(AccessTechnologies.Lte | AccessTechnologies.Nr5g));
        Assert.Equal("unknown", ModemManagerText.Of(AccessTechnologies.Unknown));
        Assert.Equal("connected", ModemManagerText.Of(ModemState.Connected));
        Assert.Equal("failed", ModemManagerText.Of(ModemState.Failed));
    }
}

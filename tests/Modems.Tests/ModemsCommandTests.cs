using System.Text.Json;
using Ristbond.Appliance.Cli;
using Ristbond.Modems.Tests.Harness;

namespace Ristbond.Modems.Tests;

/// <summary>
/// `ristbond modems [--json]` end to end, in-process through the same entry point as the binary, against a private
/// bus named by DBUS_SYSTEM_BUS_ADDRESS (set in the native environment, where libsystemd reads it).
/// </summary>
[Collection(ModemBusCollection.Name)]
public sealed class ModemsCommandTests
{
    static (int Code, string Output, string Error) Run(PrivateSystemBus bus, params string[] args)
    {
        NativeEnvironment.Set("DBUS_SYSTEM_BUS_ADDRESS", bus.Address);
        var output = new StringWriter();
        var error = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        try
        {
            int code = RistbondCli.Run(args, error);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public void Json_lists_each_modem_with_the_IMEI_cut_to_its_last_4_digits()
    {
        using var bus = PrivateSystemBus.Start();
        using var standIn = StandInProcess.Start(bus);
        standIn.AddModem("0", "356938035643809", op: "Vodafone", bearerInterface: "wwan0", rate: 2,
            lte: new { rsrp = -85.0, rsrq = -9.0, snr = 18.0, rssi = -60.0 });
        standIn.AddModem("1", "356938035640001", op: "Orange", state: -1);

        var (code, output, error) = Run(bus, "modems", "--json");

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.DoesNotContain("356938035643809", output, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement[] modems = [.. json.RootElement.GetProperty("modems").EnumerateArray()];
        Assert.Equal(2, modems.Length);
        JsonElement first = modems[0];
        Assert.Equal("/org/freedesktop/ModemManager1/Modem/0", first.GetProperty("path").GetString());
        Assert.Equal("Quectel", first.GetProperty("manufacturer").GetString());
        Assert.Equal("EM12-G", first.GetProperty("model").GetString());
        Assert.Equal("3809", first.GetProperty("imei_last4").GetString());
        Assert.Equal("connected", first.GetProperty("state").GetString());
        Assert.Equal("lte", first.GetProperty("access_technology").GetString());
        Assert.Equal("Vodafone", first.GetProperty("operator").GetString());
        Assert.Equal(-85.0, first.GetProperty("signal").GetProperty("lte").GetProperty("rsrp").GetDouble());
        Assert.Equal(2, first.GetProperty("signal").GetProperty("rate_s").GetInt32());
        Assert.True(first.GetProperty("signal").GetProperty("health_factor").GetDouble() > 0.9);
        JsonElement bearer = Assert.Single(first.GetProperty("bearers").EnumerateArray());
        Assert.Equal("wwan0", bearer.GetProperty("interface").GetString());
        Assert.True(bearer.GetProperty("connected").GetBoolean());
        Assert.Equal("10.64.10.2/30", bearer.GetProperty("ip4").GetString());
        Assert.Equal("failed", modems[1].GetProperty("state").GetString());
        Assert.Equal("none", modems[1].GetProperty("failed_reason").GetString());
    }

    [Fact]
    public void Text_shows_one_block_per_modem()
    {
        using var bus = PrivateSystemBus.Start();
        using var standIn = StandInProcess.Start(bus);
        standIn.AddModem("0", "356938035643809", op: "Vodafone", bearerInterface: "wwan0", rate: 2, lte: new { rsrp = -85.0, snr = 18.0 });

        var (code, output, error) = Run(bus, "modems");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/org/freedesktop/ModemManager1/Modem/0  Quectel EM12-G, IMEI …3809", lines[0]);
        Assert.Equal("  state connected, access lte, operator Vodafone (home), quality 70%", lines[1]);
        Assert.Equal("  signal lte:  rsrp -85 dBm, snr 18 dB", lines[2]);
        Assert.StartsWith("  health 0.9", lines[3], StringComparison.Ordinal);
        Assert.Equal("  bearer /org/freedesktop/ModemManager1/Bearer/0: wwan0 connected 10.64.10.2/30", lines[4]);
    }

    [Fact]
    public void Without_ModemManager_it_says_so_in_one_line_and_exits_3()
    {
        using var bus = PrivateSystemBus.Start();

        var (code, output, error) = Run(bus, "modems", "--json");

        Assert.Equal(3, code);
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ristbond: ModemManager is not running (no owner for org.freedesktop.ModemManager1 on the system D-Bus at unix:path=", line, StringComparison.Ordinal);
    }
}

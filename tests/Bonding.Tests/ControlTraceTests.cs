using System.Globalization;
using System.Text;
using Ristbond.Bonding;

namespace Ristbond.Bonding.Tests;

public sealed class ControlTraceTests
{
    [Fact]
    public void Each_tick_writes_one_row_per_link_under_the_header_columns()
    {
        var net = new SimulatedNetwork(new BondingOptions(), 4_000_000);
        net.Add("a", 4_000_000, 40);
        net.Add("lte 2", 4_000_000, 60);
        net.Run(3);
        var rows = new StringBuilder();
        ControlTrace.AppendRows(rows, 3.25, 4_000_000, net.Last!, net.Controller.Links);

        string[] header = ControlTrace.Header.Split(',');
        string[] lines = rows.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        foreach (string line in lines)
            Assert.Equal(header.Length, line.Split(',').Length);
        string[] first = lines[0].Split(',');
        string Column(string[] row, string name) => row[Array.IndexOf(header, name)];
        Assert.Equal("3.250", Column(first, "t_s"));
        Assert.Equal("a", Column(first, "link"));
        Assert.Equal("lte 2", Column(lines[1].Split(','), "link"));
        Assert.Equal(net.Decision("a").Weight.ToString(CultureInfo.InvariantCulture), Column(first, "weight"));
        Assert.Equal(net.Last!.RecommendedBitrateBps, double.Parse(Column(first, "recommended_bps"), CultureInfo.InvariantCulture), 0);
    }
}

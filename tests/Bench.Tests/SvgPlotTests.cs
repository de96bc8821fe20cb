using System.Xml.Linq;
using Ristbond.Bench.Adapt;

namespace Ristbond.Bench.Tests;

/// <summary>The figure is well-formed SVG with the series it promises.</summary>
public sealed class SvgPlotTests
{
    static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_scenario_figure_has_every_series_panel_and_event()
    {
        string svg = AdaptPlot.Render(SyntheticRun.Scenario, SyntheticRun.Ristbond(), SyntheticRun.Baseline(), "parallel");
        XDocument doc = XDocument.Parse(svg);
        Assert.Equal(s_svg + "svg", doc.Root!.Name);
        var series = doc.Descendants(s_svg + "polyline").Select(p => (string)p.Attribute("data-series")!).ToList();
        foreach (string expected in (string[])["a", "b", "c", "a rate", "ristbond source", "ristbond recommended", "ristbond delivered", "baseline delivered", "capacity (Σ rates × 1316/1364)"])
            Assert.Contains(expected, series);
        Assert.Equal(4, doc.Descendants(s_svg + "g").Count(g => (string?)g.Attribute("class") == "panel"));
        Assert.Single(doc.Descendants(s_svg + "line"), l => (string?)l.Attribute("class") == "marker");
        Assert.Single(doc.Descendants(s_svg + "rect"), r => (string?)r.Attribute("class") == "span");
        Assert.All(doc.Descendants(s_svg + "polyline"), p => Assert.DoesNotContain("NaN", (string)p.Attribute("points")!));
    }

    [Fact]
    public void Text_is_escaped_and_empty_series_are_left_out()
    {
        var plot = new SvgPlot("a <b> & \"c\"", "sub", 10);
        plot.AddPanel("p & q", "u").Add("x < y", "#000", [new TimePoint(0, 1), new TimePoint(5, 2)]).Add("empty", "#000", []);
        plot.AddMarker(3, "3 s: <event>");
        XDocument doc = XDocument.Parse(plot.Render());
        Assert.Equal(["x < y"], doc.Descendants(s_svg + "polyline").Select(p => (string)p.Attribute("data-series")!));
        Assert.Contains(doc.Descendants(s_svg + "text"), t => t.Value == "a <b> & \"c\"");
    }

    [Theory]
    [InlineData(20, 10, 2)]
    [InlineData(30, 12, 5)]
    [InlineData(23.5, 4, 10)]
    [InlineData(0.9, 4, 0.5)]
    [InlineData(100, 100, 1)]
    public void Axis_steps_are_one_two_or_five_times_a_power_of_ten(double range, int count, double step) =>
        Assert.Equal(step, SvgPlot.NiceStep(range, count), 9);
}

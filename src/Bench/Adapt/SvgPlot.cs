using System.Globalization;
using System.Text;

namespace Ristbond.Bench.Adapt;

/// <summary>
/// A hand-written SVG figure of stacked time panels sharing one x axis (seconds): line series, vertical event
/// markers and shaded spans across all panels, a legend per panel. No dependency; every series is a
/// <c>&lt;polyline class="series" data-series="…"&gt;</c> so tests and scripts can find it.
/// </summary>
public sealed class SvgPlot(string title, string subtitle, double xMaxSeconds)
{
    const int Width = 1000;
    const int Left = 70;
    const int Right = 20;
    const int PanelGap = 46;
    const int Top = 92;
    const int Bottom = 40;

    readonly List<Panel> _panels = [];
    readonly List<(double T, string Label)> _markers = [];
    readonly List<(double From, double To, string Label)> _spans = [];

    public sealed class Panel(string title, string unit, int height)
    {
        internal readonly List<Series> Items = [];
        public string Title => title;
        public string Unit => unit;
        public int Height => height;
        /// <summary>Fixed y range top (e.g. 100 for percentages); 0 = from the data.</summary>
        public double YMax { get; set; }
        /// <summary>Value divisor for the axis (1e6 to show bits/s as Mbit/s).</summary>
        public double Scale { get; set; } = 1;

        public Panel Add(string name, string color, IReadOnlyList<TimePoint> points, bool dashed = false, double width = 1.6)
        {
            if (points.Count > 0)
                Items.Add(new Series(name, color, points, dashed, width));
            return this;
        }
    }

    internal sealed record Series(string Name, string Color, IReadOnlyList<TimePoint> Points, bool Dashed, double Width);

    public Panel AddPanel(string panelTitle, string unit, int height = 170)
    {
        var panel = new Panel(panelTitle, unit, height);
        _panels.Add(panel);
        return panel;
    }

    public void AddMarker(double t, string label) => _markers.Add((t, label));

    public void AddSpan(double from, double to, string label) => _spans.Add((from, to, label));

    public string Render()
    {
        int height = Top + _panels.Sum(p => p.Height + PanelGap) - PanelGap + Bottom;
        int plotWidth = Width - Left - Right;
        double X(double t) => Left + Math.Clamp(t / xMaxSeconds, 0, 1) * plotWidth;

        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"22\" font-size=\"16\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"42\" fill=\"#444\">{Escape(subtitle)}</text>\n"));

        int y0 = Top;
        int plotBottom = height - Bottom;
        foreach ((double from, double to, string label) in _spans)
        {
            svg.Append(F($"<rect class=\"span\" x=\"{X(from):0.#}\" y=\"{Top}\" width=\"{Math.Max(1, X(to) - X(from)):0.#}\" height=\"{plotBottom - Top}\" fill=\"#999\" fill-opacity=\"0.12\"><title>{Escape(label)}</title></rect>\n"));
        }

        foreach (Panel panel in _panels)
        {
            RenderPanel(svg, panel, y0, plotWidth, X);
            y0 += panel.Height + PanelGap;
        }

        // X axis under the last panel, grid over all.
        double step = NiceStep(xMaxSeconds, 12);
        for (double t = 0; t <= xMaxSeconds + 1e-9; t += step)
        {
            svg.Append(F($"<line x1=\"{X(t):0.#}\" y1=\"{Top}\" x2=\"{X(t):0.#}\" y2=\"{plotBottom}\" stroke=\"#eee\"/>\n"));
            svg.Append(F($"<text x=\"{X(t):0.#}\" y=\"{plotBottom + 16}\" text-anchor=\"middle\" fill=\"#444\">{t:0.#}</text>\n"));
        }
        svg.Append(F($"<text x=\"{Left + plotWidth / 2}\" y=\"{plotBottom + 32}\" text-anchor=\"middle\" fill=\"#444\">seconds after start</text>\n"));

        // Labels in two rows, only where they do not run into the previous one (flapping has dozens of events).
        double[] lastLabelEnd = [double.NegativeInfinity, double.NegativeInfinity];
        foreach ((double t, string label) in _markers.OrderBy(m => m.T))
        {
            svg.Append(F($"<line class=\"marker\" x1=\"{X(t):0.#}\" y1=\"{Top - 40}\" x2=\"{X(t):0.#}\" y2=\"{plotBottom}\" stroke=\"#c00\" stroke-width=\"1\" stroke-dasharray=\"4 3\"><title>{Escape(label)}</title></line>\n"));
            int row = Array.FindIndex(lastLabelEnd, end => X(t) >= end + 6);
            if (row < 0)
                continue;
            svg.Append(F($"<text x=\"{X(t) + 3:0.#}\" y=\"{Top - 32 + row * 11}\" fill=\"#c00\" font-size=\"10\">{Escape(label)}</text>\n"));
            lastLabelEnd[row] = X(t) + 3 + label.Length * 5.6;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static void RenderPanel(StringBuilder svg, Panel panel, int top, int plotWidth, Func<double, double> x)
    {
        int bottom = top + panel.Height;
        double dataMax = panel.Items.SelectMany(s => s.Points).Select(p => p.Value / panel.Scale).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double yMax = panel.YMax > 0 ? panel.YMax : NiceCeiling(Math.Max(dataMax * 1.08, 1e-9));
        double Y(double v) => bottom - Math.Clamp(v / panel.Scale / yMax, 0, 1.02) * panel.Height;

        svg.Append(F($"<g class=\"panel\" data-panel=\"{Escape(panel.Title)}\">\n"));
        svg.Append(F($"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{panel.Height}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"{top - 6}\" font-weight=\"bold\">{Escape(panel.Title)}</text>\n"));
        double step = NiceStep(yMax, 4);
        for (double v = 0; v <= yMax + 1e-9; v += step)
        {
            svg.Append(F($"<line x1=\"{Left}\" y1=\"{Y(v * panel.Scale):0.#}\" x2=\"{Left + plotWidth}\" y2=\"{Y(v * panel.Scale):0.#}\" stroke=\"#eee\"/>\n"));
            svg.Append(F($"<text x=\"{Left - 6}\" y=\"{Y(v * panel.Scale) + 4:0.#}\" text-anchor=\"end\" fill=\"#444\">{v:0.##}</text>\n"));
        }
        svg.Append(F($"<text transform=\"translate({Left - 50},{top + panel.Height / 2}) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">{Escape(panel.Unit)}</text>\n"));

        foreach (Series s in panel.Items)
        {
            var points = new StringBuilder();
            foreach (TimePoint p in s.Points)
            {
                if (double.IsFinite(p.Value))
                    points.Append(F($"{x(p.T):0.#},{Y(p.Value):0.#} "));
            }
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(F($"<polyline class=\"series\" data-series=\"{Escape(s.Name)}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"{s.Width:0.#}\"{dash} points=\"{points.ToString().TrimEnd()}\"/>\n"));
        }

        // Legend: top right, one entry per series, right to left.
        double legendX = Left + plotWidth - 8;
        foreach (Series s in Enumerable.Reverse(panel.Items))
        {
            double textWidth = s.Name.Length * 6.2;
            double entryX = legendX - textWidth - 24;
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(F($"<g class=\"legend\"><line x1=\"{entryX:0.#}\" y1=\"{top + 12}\" x2=\"{entryX + 18:0.#}\" y2=\"{top + 12}\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash}/>"));
            svg.Append(F($"<text x=\"{entryX + 22:0.#}\" y=\"{top + 16}\" fill=\"#222\">{Escape(s.Name)}</text></g>\n"));
            legendX = entryX - 12;
        }
        svg.Append("</g>\n");
    }

    /// <summary>1, 2 or 5 × 10^k such that about <paramref name="count"/> steps cover <paramref name="range"/>.</summary>
    public static double NiceStep(double range, int count)
    {
        double raw = range / Math.Max(1, count);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double unit = raw / magnitude;
        return magnitude * (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10);
    }

    static double NiceCeiling(double value)
    {
        double step = NiceStep(value, 4);
        return Math.Ceiling(value / step) * step;
    }

    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

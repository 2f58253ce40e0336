using System.Text;
using static GameServer.LoadTest.Reports.ReportFormat;

namespace GameServer.LoadTest.Reports;

/// <summary>
/// A small line/bar chart drawn as inline SVG: axes with 1-2-5 ticks, shaded bands (run phases), dashed
/// reference rules (SLO targets, percentiles), a legend, and per-column hover text through SVG &lt;title&gt;,
/// which browsers show as a tooltip without any script.
/// </summary>
internal sealed class SvgChart
{
    private const double PlotLeft = 62;
    private const double PlotTop = 40;

    private readonly string _ariaLabel;
    private readonly string _xLabel;
    private readonly string _yLabel;
    private readonly List<Band> _bands = [];
    private readonly List<Line> _lines = [];
    private readonly List<BarSeries> _bars = [];
    private readonly List<Rule> _rules = [];
    private readonly List<Hover> _hovers = [];

    public SvgChart(string ariaLabel, string xLabel, string yLabel)
    {
        _ariaLabel = ariaLabel;
        _xLabel = xLabel;
        _yLabel = yLabel;
    }

    /// <summary>
    /// Width of the drawing in SVG units (default 960); the chart scales to its container, so a narrower drawing for a
    /// half-width slot keeps its text as large as the full-width charts'.
    /// </summary>
    public double Width { get; init; } = 960;

    /// <summary>Height in SVG units (default 300).</summary>
    public double Height { get; init; } = 300;

    private double PlotRight => Width - 18;

    private double PlotBottom => Height - 44;

    /// <summary>Fixes the x range (e.g. the whole run) instead of fitting it to the data.</summary>
    public double? XMin { get; init; }

    public double? XMax { get; init; }

    /// <summary>
    /// Caps the y axis so one outlier does not flatten everything else; values above it are drawn at the top edge.
    /// </summary>
    public double? YCap { get; init; }

    /// <summary>Counts (errors, players) get whole-number ticks, never 0.5.</summary>
    public bool IntegerY { get; init; }

    public string NoDataText { get; init; } = "no data";

    public void AddBand(double from, double to, string label, string fill) => _bands.Add(new Band(from, to, label, fill));

    /// <summary>A line series; null values leave a gap (seconds with no data).</summary>
    public void AddLine(string name, string color, IReadOnlyList<Point> points, bool dashed = false) =>
        _lines.Add(new Line(name, color, points, dashed));

    public void AddBars(string name, string color, IReadOnlyList<Bar> bars) => _bars.Add(new BarSeries(name, color, bars));

    public void AddHorizontalRule(string label, double y, string color) => _rules.Add(new Rule(label, y, color, Horizontal: true));

    public void AddVerticalRule(string label, double x, string color) => _rules.Add(new Rule(label, x, color, Horizontal: false));

    /// <summary>An invisible column over [from, to) that shows <paramref name="text"/> on hover.</summary>
    public void AddHover(double from, double to, string text) => _hovers.Add(new Hover(from, to, text));

    public string Render()
    {
        var hasData = _lines.Any(l => l.Points.Any(p => p.Y is { } y && double.IsFinite(y)))
            || _bars.Any(b => b.Bars.Count > 0);
        if (!hasData)
        {
            return RenderNoData();
        }

        var svg = new StringBuilder();
        svg.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(Coord(Width)).Append(' ').Append(Coord(Height))
            .Append("\" width=\"100%\" role=\"img\" aria-label=\"").Append(Html(_ariaLabel)).Append("\">");

        var (xMin, xMax) = XRange();
        var yScale = NiceScale.Create(0, YRangeMax(), targetTicks: 6);
        if (IntegerY && yScale.Step < 1)
        {
            yScale = new NiceScale(0, Math.Max(1, Math.Ceiling(yScale.Max)), 1);
        }

        var x = new Func<double, double>(v => PlotLeft + ((v - xMin) / (xMax - xMin) * (PlotRight - PlotLeft)));
        var y = new Func<double, double>(v =>
            PlotBottom - (Math.Clamp(v, yScale.Min, yScale.Max) - yScale.Min) / (yScale.Max - yScale.Min) * (PlotBottom - PlotTop));

        RenderBands(svg, x, xMin, xMax);
        RenderYAxis(svg, yScale, y);
        RenderXAxis(svg, xMin, xMax, x);
        RenderBars(svg, x, y, xMin, xMax);
        RenderLines(svg, x, y);
        RenderRules(svg, x, y, xMin, xMax, yScale);
        RenderHovers(svg, x, xMin, xMax);
        RenderLegend(svg);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private (double Min, double Max) XRange()
    {
        var xs = _lines.SelectMany(l => l.Points.Select(p => p.X))
            .Concat(_bars.SelectMany(b => b.Bars.SelectMany(bar => new[] { bar.From, bar.To })))
            .Where(double.IsFinite)
            .ToList();
        var min = XMin ?? (xs.Count > 0 ? xs.Min() : 0);
        var max = XMax ?? (xs.Count > 0 ? xs.Max() : 1);
        return max > min ? (min, max) : (min - 0.5, min + 0.5);
    }

    private double YRangeMax()
    {
        var values = _lines.SelectMany(l => l.Points.Where(p => p.Y.HasValue).Select(p => p.Y!.Value))
            .Concat(_bars.SelectMany(b => b.Bars.Select(bar => bar.Value)))
            .Concat(_rules.Where(r => r.Horizontal).Select(r => r.Value))
            .Where(double.IsFinite);
        var max = values.DefaultIfEmpty(0).Max();
        if (YCap is { } cap && max > cap)
        {
            max = cap;
        }

        // Headroom so a line at the maximum does not sit on the frame.
        return max <= 0 ? 1 : max * 1.03;
    }

    /// <summary>A short empty frame: a full-size blank chart would only push the charts with data down the page.</summary>
    private string RenderNoData()
    {
        const double height = 90;
        var svg = new StringBuilder();
        svg.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(Coord(Width)).Append(' ').Append(Coord(height))
            .Append("\" width=\"100%\" role=\"img\" aria-label=\"").Append(Html(_ariaLabel + ": " + NoDataText)).Append("\">")
            .Append("<rect class=\"plot\" x=\"").Append(Coord(PlotLeft)).Append("\" y=\"8\" width=\"").Append(Coord(PlotRight - PlotLeft))
            .Append("\" height=\"").Append(Coord(height - 16)).Append("\"/>")
            .Append("<text class=\"nodata\" x=\"").Append(Coord((PlotLeft + PlotRight) / 2)).Append("\" y=\"").Append(Coord(height / 2))
            .Append("\" dy=\"0.32em\" text-anchor=\"middle\">").Append(Html(NoDataText)).Append("</text></svg>");
        return svg.ToString();
    }

    private void RenderBands(StringBuilder svg, Func<double, double> x, double xMin, double xMax)
    {
        foreach (var band in _bands)
        {
            var from = x(Math.Max(band.From, xMin));
            var to = x(Math.Min(band.To, xMax));
            if (to <= from)
            {
                continue;
            }

            svg.Append("<rect x=\"").Append(Coord(from)).Append("\" y=\"").Append(Coord(PlotTop))
                .Append("\" width=\"").Append(Coord(to - from)).Append("\" height=\"").Append(Coord(PlotBottom - PlotTop))
                .Append("\" fill=\"").Append(Html(band.Fill)).Append("\"/>");

            // Label only bands wide enough to hold the text.
            if (to - from >= (band.Label.Length * 6.2) + 6)
            {
                svg.Append("<text class=\"band\" x=\"").Append(Coord(from + 4)).Append("\" y=\"").Append(Coord(PlotTop + 12))
                    .Append("\">").Append(Html(band.Label)).Append("</text>");
            }
        }
    }

    private void RenderYAxis(StringBuilder svg, NiceScale scale, Func<double, double> y)
    {
        foreach (var tick in scale.Ticks())
        {
            var py = Coord(y(tick));
            svg.Append("<line class=\"grid\" x1=\"").Append(Coord(PlotLeft)).Append("\" x2=\"").Append(Coord(PlotRight))
                .Append("\" y1=\"").Append(py).Append("\" y2=\"").Append(py).Append("\"/>");
            svg.Append("<text class=\"tick\" x=\"").Append(Coord(PlotLeft - 6)).Append("\" y=\"").Append(py)
                .Append("\" dy=\"0.32em\" text-anchor=\"end\">").Append(Html(Tick(tick, scale.Step))).Append("</text>");
        }

        var midY = Coord((PlotTop + PlotBottom) / 2);
        svg.Append("<text class=\"axis-label\" transform=\"translate(14 ").Append(midY)
            .Append(") rotate(-90)\" text-anchor=\"middle\">").Append(Html(_yLabel)).Append("</text>");
        svg.Append("<line class=\"axis\" x1=\"").Append(Coord(PlotLeft)).Append("\" x2=\"").Append(Coord(PlotLeft))
            .Append("\" y1=\"").Append(Coord(PlotTop)).Append("\" y2=\"").Append(Coord(PlotBottom)).Append("\"/>");
    }

    private void RenderXAxis(StringBuilder svg, double xMin, double xMax, Func<double, double> x)
    {
        var step = NiceScale.NiceStep((xMax - xMin) / 8);
        var first = Math.Ceiling((xMin / step) - 1e-9) * step;
        for (var i = 0; first + (i * step) <= xMax + (step * 1e-9); i++)
        {
            var tick = first + (i * step);
            var px = Coord(x(tick));
            svg.Append("<line class=\"axis\" x1=\"").Append(px).Append("\" x2=\"").Append(px)
                .Append("\" y1=\"").Append(Coord(PlotBottom)).Append("\" y2=\"").Append(Coord(PlotBottom + 5)).Append("\"/>");
            svg.Append("<text class=\"tick\" x=\"").Append(px).Append("\" y=\"").Append(Coord(PlotBottom + 17))
                .Append("\" text-anchor=\"middle\">").Append(Html(Tick(tick, step))).Append("</text>");
        }

        svg.Append("<text class=\"axis-label\" x=\"").Append(Coord((PlotLeft + PlotRight) / 2)).Append("\" y=\"")
            .Append(Coord(Height - 8)).Append("\" text-anchor=\"middle\">").Append(Html(_xLabel)).Append("</text>");
        svg.Append("<line class=\"axis\" x1=\"").Append(Coord(PlotLeft)).Append("\" x2=\"").Append(Coord(PlotRight))
            .Append("\" y1=\"").Append(Coord(PlotBottom)).Append("\" y2=\"").Append(Coord(PlotBottom)).Append("\"/>");
    }

    private void RenderBars(StringBuilder svg, Func<double, double> x, Func<double, double> y, double xMin, double xMax)
    {
        foreach (var series in _bars)
        {
            svg.Append("<g fill=\"").Append(Html(series.Color)).Append("\">");
            foreach (var bar in series.Bars)
            {
                if (bar.Value <= 0 || bar.To <= xMin || bar.From >= xMax)
                {
                    continue;
                }

                var left = x(Math.Max(bar.From, xMin));
                var right = x(Math.Min(bar.To, xMax));
                // A hair of space between neighbours, but never thinner than one unit so every bin stays visible.
                var width = Math.Max(1, right - left - 1);
                var top = y(bar.Value);
                svg.Append("<rect x=\"").Append(Coord(left + 0.5)).Append("\" y=\"").Append(Coord(top))
                    .Append("\" width=\"").Append(Coord(width)).Append("\" height=\"").Append(Coord(Math.Max(0.5, PlotBottom - top)))
                    .Append("\"><title>").Append(Html(bar.Title)).Append("</title></rect>");
            }

            svg.Append("</g>");
        }
    }

    private void RenderLines(StringBuilder svg, Func<double, double> x, Func<double, double> y)
    {
        foreach (var line in _lines)
        {
            var path = new StringBuilder();
            var singles = new List<(double X, double Y)>();
            var run = new List<(double X, double Y)>();

            void Flush()
            {
                if (run.Count == 1)
                {
                    singles.Add(run[0]); // a lone second between gaps: a dot, since a one-point path draws nothing
                }
                else if (run.Count > 1)
                {
                    for (var i = 0; i < run.Count; i++)
                    {
                        path.Append(i == 0 ? 'M' : 'L').Append(Coord(run[i].X)).Append(',').Append(Coord(run[i].Y));
                    }
                }

                run.Clear();
            }

            foreach (var point in line.Points.OrderBy(p => p.X))
            {
                if (point.Y is { } value && double.IsFinite(value))
                {
                    run.Add((x(point.X), y(value)));
                }
                else
                {
                    Flush();
                }
            }

            Flush();

            if (path.Length > 0)
            {
                svg.Append("<path class=\"series\" d=\"").Append(path).Append("\" stroke=\"").Append(Html(line.Color)).Append('"');
                if (line.Dashed)
                {
                    svg.Append(" stroke-dasharray=\"5 4\"");
                }

                svg.Append("/>");
            }

            foreach (var (px, py) in singles)
            {
                svg.Append("<circle cx=\"").Append(Coord(px)).Append("\" cy=\"").Append(Coord(py))
                    .Append("\" r=\"2\" fill=\"").Append(Html(line.Color)).Append("\"/>");
            }
        }
    }

    private void RenderRules(
        StringBuilder svg, Func<double, double> x, Func<double, double> y, double xMin, double xMax, NiceScale yScale)
    {
        var verticalIndex = 0;
        foreach (var rule in _rules)
        {
            var color = Html(rule.Color);
            if (rule.Horizontal)
            {
                if (rule.Value < yScale.Min || rule.Value > yScale.Max)
                {
                    continue;
                }

                var py = y(rule.Value);
                svg.Append("<line class=\"rule\" x1=\"").Append(Coord(PlotLeft)).Append("\" x2=\"").Append(Coord(PlotRight))
                    .Append("\" y1=\"").Append(Coord(py)).Append("\" y2=\"").Append(Coord(py)).Append("\" stroke=\"").Append(color).Append("\"/>");
                svg.Append("<text class=\"rule-label\" x=\"").Append(Coord(PlotRight - 4)).Append("\" y=\"").Append(Coord(py - 4))
                    .Append("\" text-anchor=\"end\" fill=\"").Append(color).Append("\">").Append(Html(rule.Label)).Append("</text>");
            }
            else
            {
                if (rule.Value < xMin || rule.Value > xMax)
                {
                    continue;
                }

                var px = x(rule.Value);
                svg.Append("<line class=\"rule\" x1=\"").Append(Coord(px)).Append("\" x2=\"").Append(Coord(px))
                    .Append("\" y1=\"").Append(Coord(PlotTop)).Append("\" y2=\"").Append(Coord(PlotBottom)).Append("\" stroke=\"").Append(color).Append("\"/>");
                // Labels near the right edge go on the left of the line so they stay inside the chart.
                var anchorEnd = px > PlotRight - 90;
                // Stagger labels of nearby rules (p50 and p99 are often close) over three rows.
                var labelY = PlotTop + 12 + (12 * (verticalIndex++ % 3));
                svg.Append("<text class=\"rule-label\" x=\"").Append(Coord(anchorEnd ? px - 4 : px + 4)).Append("\" y=\"")
                    .Append(Coord(labelY)).Append('"')
                    .Append(anchorEnd ? " text-anchor=\"end\"" : string.Empty)
                    .Append(" fill=\"").Append(color).Append("\">").Append(Html(rule.Label)).Append("</text>");
            }
        }
    }

    private void RenderHovers(StringBuilder svg, Func<double, double> x, double xMin, double xMax)
    {
        foreach (var hover in _hovers)
        {
            var from = x(Math.Max(hover.From, xMin));
            var to = x(Math.Min(hover.To, xMax));
            if (to <= from)
            {
                continue;
            }

            svg.Append("<rect class=\"hover\" x=\"").Append(Coord(from)).Append("\" y=\"").Append(Coord(PlotTop))
                .Append("\" width=\"").Append(Coord(to - from)).Append("\" height=\"").Append(Coord(PlotBottom - PlotTop))
                .Append("\"><title>").Append(Html(hover.Text)).Append("</title></rect>");
        }
    }

    private void RenderLegend(StringBuilder svg)
    {
        var entries = _lines.Select(l => (l.Name, l.Color, Kind: l.Dashed ? "dashed" : "line"))
            .Concat(_bars.Select(b => (b.Name, b.Color, Kind: "bar")))
            .Concat(_rules.Select(r => (Name: r.Label, r.Color, Kind: "dashed")))
            .Where(e => e.Name.Length > 0);

        var left = PlotLeft;
        const double baseline = 20;
        foreach (var (name, color, kind) in entries)
        {
            var c = Html(color);
            if (kind == "bar")
            {
                svg.Append("<rect x=\"").Append(Coord(left)).Append("\" y=\"").Append(Coord(baseline - 9))
                    .Append("\" width=\"12\" height=\"10\" fill=\"").Append(c).Append("\"/>");
            }
            else
            {
                svg.Append("<line class=\"legend-line\" x1=\"").Append(Coord(left)).Append("\" x2=\"").Append(Coord(left + 16))
                    .Append("\" y1=\"").Append(Coord(baseline - 4)).Append("\" y2=\"").Append(Coord(baseline - 4))
                    .Append("\" stroke=\"").Append(c).Append('"')
                    .Append(kind == "dashed" ? " stroke-dasharray=\"5 4\"" : string.Empty).Append("/>");
            }

            svg.Append("<text class=\"legend\" x=\"").Append(Coord(left + 21)).Append("\" y=\"").Append(Coord(baseline))
                .Append("\">").Append(Html(name)).Append("</text>");
            left += 21 + (name.Length * 6.6) + 16;
        }
    }

    /// <summary>A line point; a null Y is a gap.</summary>
    public readonly record struct Point(double X, double? Y);

    /// <summary>A bar over [From, To) with its hover text.</summary>
    public readonly record struct Bar(double From, double To, double Value, string Title);

    private sealed record Band(double From, double To, string Label, string Fill);

    private sealed record Line(string Name, string Color, IReadOnlyList<Point> Points, bool Dashed);

    private sealed record BarSeries(string Name, string Color, IReadOnlyList<Bar> Bars);

    private sealed record Rule(string Label, double Value, string Color, bool Horizontal);

    private sealed record Hover(double From, double To, string Text);
}

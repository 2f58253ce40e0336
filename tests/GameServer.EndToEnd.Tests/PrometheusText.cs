using System.Globalization;

namespace GameServer.EndToEnd.Tests;

/// <summary>Reads the Prometheus text exposition format: one sample per line, <c>name{labels} value</c>.</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            var nameEnd = brace >= 0 ? brace : line.IndexOf(' ');
            var labels = brace >= 0 ? line[(brace + 1)..line.LastIndexOf('}')] : "";
            var valueText = line[(space + 1)..];
            // Samples may carry a timestamp after the value; the value is then the second-to-last field.
            if (brace < 0 && line.Split(' ').Length > 2 || brace >= 0 && line[(line.LastIndexOf('}') + 1)..].Trim().Contains(' '))
            {
                valueText = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            }
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _samples.Add((line[..nameEnd], labels, value));
            }
        }
    }

    public string Text { get; }

    /// <summary>Sum over all series of a metric whose labels contain every given fragment (e.g. <c>reason="lost"</c>).</summary>
    public double Sum(string name, params string[] labelFragments) =>
        _samples.Where(s => s.Name == name && labelFragments.All(f => s.Labels.Contains(f, StringComparison.Ordinal))).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    public IEnumerable<string> NamesStartingWith(string prefix) => _samples.Select(s => s.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Distinct();
}

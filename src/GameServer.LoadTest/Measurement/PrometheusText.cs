using System.Globalization;
using System.Text;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Reads samples out of a Prometheus text exposition (format 0.0.4, and OpenMetrics text, which differs only in ways
/// that do not matter here): <c>name{label="value",…} value [timestamp]</c> per line, <c>#</c> lines are comments.
/// </summary>
internal static class PrometheusText
{
    /// <summary>
    /// The samples of <paramref name="metric"/> (the exact sample name, e.g. <c>dotnet_gc_collections_total</c>), summed
    /// by the value of <paramref name="label"/>: series that differ in other labels add up. Samples without the label,
    /// or with a value that is not a finite number, are left out. Empty when the metric is absent.
    /// </summary>
    public static IReadOnlyDictionary<string, double> SumByLabel(string text, string metric, string label) => Sum(text, metric, label);

    /// <summary>Every sample of <paramref name="metric"/> added up, whatever its labels; null when the metric is absent.</summary>
    public static double? Sum(string text, string metric) => Sum(text, metric, label: null) is { Count: > 0 } sums ? sums[""] : null;

    /// <summary>By the value of <paramref name="label"/>, or all under "" when it is null.</summary>
    private static Dictionary<string, double> Sum(string text, string metric, string? label)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length <= metric.Length || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal)
                || line[metric.Length] is not ('{' or ' ' or '\t'))
            {
                continue;
            }
            var rest = line.AsSpan(metric.Length);
            var labelValue = label is null ? "" : null;
            if (rest[0] == '{')
            {
                var labels = ParseLabels(rest, out var consumed);
                if (labels is null)
                {
                    continue; // malformed: skip the line rather than guess
                }
                if (label is not null)
                {
                    labelValue = labels.GetValueOrDefault(label);
                }
                rest = rest[consumed..];
            }
            if (labelValue is null || !TryParseValue(rest, out var value))
            {
                continue;
            }
            sums[labelValue] = sums.GetValueOrDefault(labelValue) + value;
        }
        return sums;
    }

    /// <summary>Parses <c>{a="x",b="y\"z"}</c> at the start of <paramref name="text"/>; null when malformed.</summary>
    private static Dictionary<string, string>? ParseLabels(ReadOnlySpan<char> text, out int consumed)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 1;
        consumed = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or ',')
            {
                i++;
            }
            if (i >= text.Length)
            {
                return null;
            }
            if (text[i] == '}')
            {
                consumed = i + 1;
                return labels;
            }
            var equals = text[i..].IndexOf('=');
            if (equals <= 0 || i + equals + 1 >= text.Length || text[i + equals + 1] != '"')
            {
                return null;
            }
            var name = text.Slice(i, equals).Trim().ToString();
            i += equals + 2;
            var value = new StringBuilder();
            for (; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                    value.Append(text[i] == 'n' ? '\n' : text[i]);
                }
                else
                {
                    value.Append(text[i]);
                }
            }
            if (i >= text.Length)
            {
                return null;
            }
            labels[name] = value.ToString();
            i++; // the closing quote
        }
    }

    /// <summary>The value after the name and labels; an optional timestamp after it is ignored.</summary>
    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        var end = text.IndexOfAny(' ', '\t');
        var token = end < 0 ? text : text[..end];
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}

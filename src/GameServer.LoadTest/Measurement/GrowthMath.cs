using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Growth of a sampled figure over a soak's window: the median of its last fifth of samples against the median of its
/// first fifth (at least one sample each). Medians, so one sample caught mid-collection or mid-burst does not decide.
/// </summary>
internal static class GrowthMath
{
    public static GrowthFigure Growth(IEnumerable<double?> window)
    {
        var values = window.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count == 0)
        {
            return new GrowthFigure(null, null, null);
        }
        var fifth = Math.Max(1, values.Count / 5);
        var first = Median(values.Take(fifth));
        var last = Median(values.Skip(values.Count - fifth));
        return new GrowthFigure(first, last, Percent(first, last));
    }

    /// <summary>(last − first) ÷ first in %, rounded to 0.1; null without both, or from 0 (any growth from nothing is reported as null, not infinite).</summary>
    public static double? Percent(double? first, double? last) =>
        first is { } f && last is { } l && f > 0 ? Math.Round((l - f) / f * 100, 1) : null;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return Math.Round(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 1);
    }
}

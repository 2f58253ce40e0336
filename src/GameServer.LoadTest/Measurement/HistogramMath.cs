using GameServer.LoadTest.Results;
using HdrHistogram;

namespace GameServer.LoadTest.Measurement;

/// <summary>Turns microsecond HDR histograms into the result's millisecond statistics and report bins.</summary>
internal static class HistogramMath
{
    public static readonly LatencyStats Empty = new(0, 0, 0, 0, 0, 0, 0);

    public static LatencyStats Stats(HistogramBase microseconds)
    {
        if (microseconds.TotalCount == 0)
        {
            return Empty;
        }
        return new LatencyStats(
            microseconds.TotalCount,
            Ms(microseconds.GetMean()),
            Percentile(microseconds, 50),
            Percentile(microseconds, 90),
            Percentile(microseconds, 99),
            Percentile(microseconds, 99.9),
            Ms(microseconds.GetMaxValue()));
    }

    /// <summary>Standard deviation in ms; 0 without at least two values.</summary>
    public static double StdDevMs(HistogramBase microseconds) =>
        microseconds.TotalCount < 2 ? 0 : Finite(Ms(microseconds.GetStdDeviation()));

    public static double Percentile(HistogramBase microseconds, double percentile) =>
        microseconds.TotalCount == 0 ? 0 : Ms(microseconds.GetValueAtPercentile(percentile));

    /// <summary>
    /// Bins of a whole number of milliseconds from 0 to the max: 1 ms wide, widened (1-2-5 steps) so there are at
    /// most <paramref name="maxBins"/>. Empty bins are left out.
    /// </summary>
    public static IReadOnlyList<HistogramBin> Bins(HistogramBase microseconds, int maxBins = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        if (microseconds.TotalCount == 0)
        {
            return [];
        }
        var maxMs = microseconds.GetMaxValue() / 1000.0;
        var widthMs = BinWidthMs(maxMs, maxBins);
        var widthUs = (long)(widthMs * 1000);
        var counts = new SortedDictionary<long, long>();
        foreach (var value in microseconds.RecordedValues())
        {
            // The lowest value of HDR's sub-bucket, so a value never drifts into the next bin.
            var low = microseconds.LowestEquivalentValue(value.ValueIteratedTo);
            var bin = low / widthUs;
            counts[bin] = counts.GetValueOrDefault(bin) + value.CountAddedInThisIterationStep;
        }
        return [.. counts.Select(c => new HistogramBin(c.Key * widthMs, (c.Key + 1) * widthMs, c.Value))];
    }

    /// <summary>1, 2, 5, 10, 20, 50 … ms: the narrowest that covers <paramref name="maxMs"/> in <paramref name="maxBins"/> bins.</summary>
    public static double BinWidthMs(double maxMs, int maxBins)
    {
        var width = 1.0;
        while ((Math.Floor(maxMs / width) + 1) > maxBins)
        {
            var decade = Math.Pow(10, Math.Floor(Math.Log10(width) + 1e-9));
            var mantissa = Math.Round(width / decade);
            width = mantissa switch { 1 => 2 * decade, 2 => 5 * decade, _ => 10 * decade };
        }
        return width;
    }

    private static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 3);

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}

namespace GameServer.LoadTest.Reports;

/// <summary>
/// An axis range widened to round numbers with a 1-2-5 step (0, 20, 40, 60 rather than 0, 17.3, 34.6),
/// so tick labels are easy to read.
/// </summary>
internal readonly record struct NiceScale(double Min, double Max, double Step)
{
    /// <summary>A scale covering [min, max] with at most about <paramref name="targetTicks"/> + 1 ticks.</summary>
    public static NiceScale Create(double min, double max, int targetTicks = 5)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return new NiceScale(0, 1, 0.2);
        }

        if (max <= min)
        {
            // A flat series still needs a visible range; put the value on a gridline.
            max = min + (min == 0 ? 1 : Math.Abs(min) * 0.5);
        }

        var step = NiceStep((max - min) / Math.Max(1, targetTicks));
        return new NiceScale(Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The smallest 1, 2 or 5 × 10^n that is at least <paramref name="roughStep"/>.</summary>
    public static double NiceStep(double roughStep)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(roughStep)));
        var residual = roughStep / magnitude;
        var nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>Multiples of Step from Min to Max, computed by index so 0.1 steps do not drift.</summary>
    public IEnumerable<double> Ticks()
    {
        var count = (int)Math.Round((Max - Min) / Step);
        for (var i = 0; i <= count; i++)
        {
            yield return Min + (i * Step);
        }
    }
}

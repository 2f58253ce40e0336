using System.Globalization;
using System.Net;

namespace GameServer.LoadTest.Reports;

/// <summary>Number and text formatting shared by the report and its charts; always invariant culture.</summary>
internal static class ReportFormat
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static string Html(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>Coordinates in SVG: two decimals are finer than a pixel and keep the file small.</summary>
    public static string Coord(double value) => Math.Round(value, 2).ToString("0.##", s_invariant);

    /// <summary>A measured value with as many decimals as its size deserves: 1,234 / 123 / 12.3 / 1.23.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return "–";
        }

        var magnitude = Math.Abs(value);
        if (magnitude is > 0 and < 0.01)
        {
            return value.ToString("G2", s_invariant); // e.g. an error-rate target of 0.001 must not show as 0
        }

        var format = magnitude >= 1000 ? "N0" : magnitude >= 100 ? "0" : magnitude >= 10 ? "0.#" : "0.##";
        return value.ToString(format, s_invariant);
    }

    public static string Integer(long value) => value.ToString("N0", s_invariant);

    public static string Ms(double value) => Number(value) + " ms";

    public static string Seconds(double value) => Number(value) + " s";

    /// <summary>A fraction (0.012) as a percentage (1.2 %).</summary>
    public static string Fraction(double value) => Number(value * 100) + " %";

    public static string Percent(double value) => Number(value) + " %";

    /// <summary>kB = 1000 bytes, matching how network rates are usually quoted.</summary>
    public static string KilobytesPerSecond(double bytesPerSecond) => Number(bytesPerSecond / 1000) + " kB/s";

    /// <summary>A tick label with just enough decimals for the step: 0.2 steps get one, 20 steps none.</summary>
    public static string Tick(double value, double step)
    {
        var decimals = step >= 1 ? 0 : Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 6);
        if (Math.Abs(value) < step * 1e-6)
        {
            value = 0; // avoid "-0" from floating-point residue
        }

        return value.ToString("N" + decimals.ToString(s_invariant), s_invariant);
    }

    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", s_invariant);
}

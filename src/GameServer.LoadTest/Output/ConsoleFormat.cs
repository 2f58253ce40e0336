using System.Globalization;

namespace GameServer.LoadTest.Output;

/// <summary>Invariant number formatting for the console.</summary>
internal static class ConsoleFormat
{
    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ms(double? value) => value is { } v ? F(v) + " ms" : "–";

    public static string Duration(TimeSpan value) =>
        value.TotalHours >= 1 ? value.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : value.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    public static string Check(Results.SloCheck check) =>
        $"{check.Name} {check.Comparison} {F(check.Target, "0.###")} {check.Unit}: actual {F(check.Actual, "0.###")}";
}

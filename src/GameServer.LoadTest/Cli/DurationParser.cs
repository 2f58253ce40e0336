using System.Globalization;

namespace GameServer.LoadTest.Cli;

/// <summary>Reads durations as people type them: "60s", "2m", "500ms", "1h", or plain seconds ("1.5").</summary>
internal static class DurationParser
{
    public const string Syntax = "a number with an optional unit: ms, s, m or h (plain numbers are seconds), e.g. 500ms, 30s, 2m, 1.5";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var value = text.Trim().ToLowerInvariant();
        // Longest suffix first: "ms" must win over "s" and "m".
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        var scale = 1.0;
        foreach (var (suffix, seconds) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length].TrimEnd();
                scale = seconds;
                break;
            }
        }
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || !double.IsFinite(number) || number * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(number * scale);
        return true;
    }

    /// <summary>Shows a duration the way it would be typed: 500ms, 30s, 2m30s.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1) && duration > TimeSpan.Zero)
        {
            return duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }
        return duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }
}

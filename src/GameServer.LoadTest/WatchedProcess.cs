using System.Globalization;

namespace GameServer.LoadTest;

/// <summary>A server process a churn soak samples: its /proc figures, and its Prometheus metrics when the URL is known.</summary>
/// <param name="Pid">The process, on this machine.</param>
/// <param name="MetricsUrl">Its scrape endpoint (GC heap and collections, grain activations, rooms), or null for /proc figures only.</param>
internal sealed record WatchedProcess(int Pid, Uri? MetricsUrl)
{
    public const string Syntax = "PID or PID=http://HOST:PORT/metrics";

    /// <summary>Parses <see cref="Syntax"/>; false with a reason when <paramref name="text"/> is neither.</summary>
    public static bool TryParse(string text, out WatchedProcess? watched, out string why)
    {
        watched = null;
        var (pidText, urlText) = text.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (text[..at], text[(at + 1)..]) : (text, null);
        if (!int.TryParse(pidText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            why = $"'{pidText}' is not a process id";
            return false;
        }
        Uri? url = null;
        if (urlText is not null && (!Uri.TryCreate(urlText.Trim(), UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
        {
            why = $"'{urlText}' is not an http:// or https:// metrics address";
            return false;
        }
        watched = new WatchedProcess(pid, url);
        why = "";
        return true;
    }

    public override string ToString() => MetricsUrl is null ? $"pid {Pid}" : $"pid {Pid} ({MetricsUrl})";
}

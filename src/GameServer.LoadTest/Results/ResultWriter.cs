using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using GameServer.LoadTest.Reports;

namespace GameServer.LoadTest.Results;

/// <summary>Writes a run's result as JSON (camelCase, indented) and as the HTML report next to it.</summary>
internal static class ResultWriter
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A file for people and tools, never inlined into HTML: keep "→" and "<=" readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>--json / --html when given, else &lt;out&gt;/loadtest-&lt;yyyyMMdd-HHmmss&gt;.json and .html (never overwriting).</summary>
    public static (string Json, string Html) Paths(LoadTestOptions options, DateTimeOffset startedAt)
    {
        var stamp = "loadtest-" + startedAt.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var name = stamp;
        for (var n = 2; options.JsonPath is null && options.HtmlPath is null
            && (File.Exists(Path.Combine(options.OutputDirectory, name + ".json")) || File.Exists(Path.Combine(options.OutputDirectory, name + ".html"))); n++)
        {
            name = stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
        }
        return (
            Path.GetFullPath(options.JsonPath ?? Path.Combine(options.OutputDirectory, name + ".json")),
            Path.GetFullPath(options.HtmlPath ?? Path.Combine(options.OutputDirectory, name + ".html")));
    }

    public static async Task WriteAsync(LoadTestResult result, string jsonPath, string htmlPath, CancellationToken cancellationToken)
    {
        foreach (var path in new[] { jsonPath, htmlPath })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(result, JsonOptions), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(htmlPath, HtmlReport.Render(result), cancellationToken).ConfigureAwait(false);
    }

    public static LoadTestResult Read(string json) =>
        JsonSerializer.Deserialize<LoadTestResult>(json, JsonOptions) ?? throw new JsonException("The file holds null, not a load-test result.");
}

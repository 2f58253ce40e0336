using System.Text;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Slo;
using static GameServer.LoadTest.Reports.ReportFormat;

namespace GameServer.LoadTest.Reports;

/// <summary>The --churn soak section: players coming and going, and the server's resources over the whole run.</summary>
internal static partial class HtmlReport
{
    private const string RssColor = "#2a9d8f";
    private const string HeapColor = "#2f6db3";
    private const string ThreadsColor = "#7c5cbf";
    private const string HandlesColor = "#d9822b";
    private const string RoomGrainsColor = "#2f6db3";
    private const string RoomsOpenColor = "#2a9d8f";
    private const string LiveRoomsColor = "#d9822b";
    private const string OtherGrainsColor = "#a7a9b4";

    private static void AppendSoak(StringBuilder html, LoadTestResult result)
    {
        if (result.Soak is not { } soak)
        {
            return;
        }
        var failed = result.Slo.Checks.Where(c => !c.Passed).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        html.Append("<h2>Soak: rooms coming and going</h2>\n<div class=\"cards\">\n");
        Card(html, "Players left and replaced", Integer(soak.Leaves),
            $"matches of {Seconds(soak.MatchMinSeconds)}–{Seconds(soak.MatchMaxSeconds)} · {Integer(soak.ReplacementsFailed)} replacements failed to join");
        Card(html, "Drops resumed", Integer(soak.Drops), $"{Number(soak.DropShare * 100)} % of players drop once without a close");
        Card(html, "RSS growth", Growth(soak.RssMb, "MB"), "window's last fifth vs first fifth (medians)", failed.Contains(SloEvaluator.RssGrowthCheck) ? "fail" : null);
        Card(html, "GC heap growth", Growth(soak.GcHeapMb, "MB"), "heap after the last collection", failed.Contains(SloEvaluator.HeapGrowthCheck) ? "fail" : null);
        Card(html, "Open handles growth", Growth(soak.OpenHandles, ""), "file descriptors: sockets, files, pipes", failed.Contains(SloEvaluator.HandlesGrowthCheck) ? "fail" : null);
        Card(html, "Threads", Growth(soak.Threads, ""), "reported, not judged: the thread pool grows and shrinks with load");
        Card(html, "Rooms open after the players left", soak.RoomsOpenAfterPlayersLeft is { } open ? Number(open) : "–",
            soak.RoomsClosedAfterSeconds is { } after ? $"all closed {Seconds(after)} after the last player left" : "not all closed in time",
            failed.Contains(SloEvaluator.RoomsClosedCheck) ? "fail" : null);
        html.Append("</div>\n");

        var samples = soak.Samples;
        Figure(html, "Server memory", SoakChart(result, "Server memory over time", "MB",
                ("RSS", RssColor, s => s.RssMb), ("GC heap after last collection", HeapColor, s => s.GcHeapMb)),
            $"Sampled every {Seconds(soak.SampleEverySeconds)}, added up over {string.Join(", ", soak.Processes)}; the last point is after every player left.");
        Figure(html, "Threads and open handles", SoakChart(result, "Server threads and open handles over time", "count",
                ("open handles", HandlesColor, s => s.OpenHandles), ("threads", ThreadsColor, s => s.Threads)), null);
        Figure(html, "Rooms and grain activations", SoakChart(result, "Rooms and grain activations over time", "count",
                ("room grains active", RoomGrainsColor, s => s.RoomActivations), ("rooms the server counts open", RoomsOpenColor, s => s.RoomsOpen),
                ("rooms with a seated player", LiveRoomsColor, s => s.LiveRooms),
                ("other grains", OtherGrainsColor, s => s.Activations is { } a ? a - (s.RoomActivations ?? 0) : null)),
            "Rooms whose players all left stay active for the room type's empty-room grace, then close.");
        Figure(html, "Gen2 collections", SoakChart(result, "Server gen2 collections since start", "collections",
                ("gen2 collections", HeapColor, s => s.Gen2Collections)), null);
        if (samples.Count == 0)
        {
            html.Append("<p class=\"muted\">No samples: the tool had no server process to watch.</p>\n");
        }
    }

    private static string SoakChart(LoadTestResult result, string ariaLabel, string yLabel, params (string Name, string Color, Func<ResourceSample, double?> Value)[] series)
    {
        var samples = result.Soak!.Samples;
        var chart = new SvgChart(ariaLabel, "seconds since start", yLabel)
        {
            XMin = 0,
            XMax = Math.Max(1, samples.Count == 0 ? 1 : samples.Max(s => s.Second)),
            NoDataText = "no data: the server gave no such figure",
        };
        foreach (var (name, color, value) in series)
        {
            chart.AddLine(name, color, [.. samples.Select(s => new SvgChart.Point(s.Second, value(s)))]);
        }
        foreach (var sample in samples)
        {
            chart.AddHover(sample.Second, sample.Second + result.Soak.SampleEverySeconds,
                $"{Number(sample.Second)} s ({sample.Phase}): " + string.Join(", ", series.Select(s => $"{s.Name} {(s.Value(sample) is { } v ? Number(v) : "–")}")));
        }
        return chart.Render();
    }

    private static string Growth(GrowthFigure figure, string unit) => figure.Percent is { } p
        ? $"{(p >= 0 ? "+" : "")}{Number(p)} % ({Number(figure.First ?? 0)} → {Number(figure.Last ?? 0)}{(unit.Length > 0 ? " " + unit : "")})"
        : "–";
}

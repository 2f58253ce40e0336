using System.Text.RegularExpressions;
using System.Xml.Linq;
using GameServer.LoadTest.Reports;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Tests;

public sealed class HtmlReportTests
{
    private const string HostileSample = "error RoomFull: <script>alert(1)</script> & more";

    public static TheoryData<bool> Verdicts => new() { true, false };

    [Fact]
    public void Render_PassingResult_ShowsPassBannerAndP99Figure()
    {
        var html = HtmlReport.Render(Result(passed: true));

        Assert.Contains("class=\"verdict pass\"", html);
        Assert.Contains(">PASS<", html);
        Assert.DoesNotContain(">FAIL<", html);
        Assert.Contains("52.1 ms", html);
        Assert.Contains("SLO p99 ≤ 60 ms", html);
    }

    [Fact]
    public void Render_FailingResult_ShowsFailBannerAndFailedChecks()
    {
        var html = HtmlReport.Render(Result(passed: false));

        Assert.Contains("class=\"verdict fail\"", html);
        Assert.Contains(">FAIL<", html);
        Assert.Contains("1 of 2 SLO checks failed.", html);
        Assert.Contains("97.3 ms", html);
    }

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Render_Always_IsOneDocumentWithoutExternalReferences(bool passed)
    {
        var html = HtmlReport.Render(Result(passed));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(1, Count(html, "<html"));
        Assert.Equal(1, Count(html, "</html>"));
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("ws://", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Render_Always_DrawsWellFormedSvgCharts(bool passed)
    {
        var html = HtmlReport.Render(Result(passed));

        var svgs = Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline);
        Assert.True(svgs.Count >= 6, $"expected at least 6 charts, found {svgs.Count}");
        Assert.Equal(Count(html, "<svg"), Count(html, "</svg>"));
        Assert.Equal(svgs.Count, Count(html, "<svg"));
        foreach (Match svg in svgs)
        {
            // Each chart must be well-formed XML, which also proves every text in it was escaped.
            var exception = Record.Exception(() => XElement.Parse(svg.Value));
            Assert.Null(exception);
        }

        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Render_HostileErrorSample_IsEscaped()
    {
        var html = HtmlReport.Render(Result(passed: false));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more", html);
        Assert.DoesNotContain("<script>alert", html);
    }

    [Fact]
    public void Render_HostileSettingsText_IsEscaped()
    {
        var result = Result(passed: true) with
        {
            Settings = Settings() with { Url = "ws://x/\"><img onerror=alert(1)>", RoomType = "<b>arena</b>" },
        };

        var html = HtmlReport.Render(result);

        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>arena", html);
        Assert.Contains("&lt;b&gt;arena&lt;/b&gt;", html);
    }

    [Fact]
    public void Render_ServerSettings_AreListedInTheHeaderWithSecretsRedacted()
    {
        // The tool writes them redacted already; the report redacts again, whatever wrote the result.
        var result = Result(passed: true) with
        {
            Settings = Settings() with { ServerSettings = ["Rooms:arena:TickRateHz=30", "Edge:InputFlushLeadMs=8", "Db:Password=hunter2", "Motd=<b>hi</b>"] },
        };

        var html = HtmlReport.Render(result);

        var header = html[..html.IndexOf("</header>", StringComparison.Ordinal)];
        Assert.Contains("<dt>Server settings</dt><dd>" + ReportFormat.Html("Rooms:arena:TickRateHz=30 · Edge:InputFlushLeadMs=8 · Db:Password=*** · Motd=<b>hi</b>") + "</dd>", header);
        Assert.Contains("Motd=&lt;b&gt;hi&lt;/b&gt;", header);
        Assert.DoesNotContain("hunter2", html);
    }

    [Fact]
    public void Render_WithoutServerSettings_LeavesTheRowOut()
    {
        var html = HtmlReport.Render(Result(passed: true));

        Assert.DoesNotContain("Server settings", html);
    }

    [Fact]
    public void ResultJson_HasServerSettingsAsAnArrayOfStringsUnderSettings()
    {
        var result = Result(passed: true) with { Settings = Settings() with { ServerSettings = ["Edge:InputFlushLeadMs=8", "Db:Password=***"] } };

        var json = System.Text.Json.JsonSerializer.Serialize(result, ResultWriter.JsonOptions);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(LoadTestResult.CurrentSchema, document.RootElement.GetProperty("schema").GetString());
        var settings = document.RootElement.GetProperty("settings").GetProperty("serverSettings");
        Assert.Equal(["Edge:InputFlushLeadMs=8", "Db:Password=***"], settings.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(result.Settings.ServerSettings, ResultWriter.Read(json).Settings.ServerSettings);
    }

    [Fact]
    public void ResultJson_WrittenBeforeServerSettings_ReadsAsNone()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Result(passed: true), ResultWriter.JsonOptions))!;
        Assert.True(node["settings"]!.AsObject().Remove("serverSettings"));
        var json = node.ToJsonString();

        var read = ResultWriter.Read(json);

        Assert.Empty(read.Settings.ServerSettings);
        Assert.DoesNotContain("Server settings", HtmlReport.Render(read));
    }

    [Fact]
    public void Render_EmptyTimelineAndHistogram_ShowsNoDataInsteadOfCharts()
    {
        var result = Result(passed: true) with
        {
            Timeline = [],
            LatencyHistogram = [],
            Summary = Summary(p99: 0) with { InputToAckMs = new LatencyStats(0, 0, 0, 0, 0, 0, 0) },
        };

        string? html = null;
        var exception = Record.Exception(() => html = HtmlReport.Render(result));

        Assert.Null(exception);
        Assert.NotNull(html);
        Assert.Contains("no data: the timeline is empty", html);
        Assert.Contains("no data: no acks in the measurement window", html);
        Assert.Equal(Count(html, "<svg"), Count(html, "</svg>"));
        Assert.DoesNotContain("NaN", html);
    }

    [Fact]
    public void Render_ServerNotMeasured_SaysHowToMeasureIt()
    {
        var html = HtmlReport.Render(Result(passed: true) with { Server = null });

        Assert.Contains("not measured: use --spawn-server or --server-pid", html);
    }

    [Fact]
    public void Render_ServerMeasured_ShowsContextSwitchesAndGcCollectionsNextToItsCpu()
    {
        var html = HtmlReport.Render(Result(passed: true));

        var cpu = html.IndexOf("Server CPU", StringComparison.Ordinal);
        var switches = html.IndexOf("Server context switches", StringComparison.Ordinal);
        var gc = html.IndexOf("Server GC collections", StringComparison.Ordinal);
        Assert.True(cpu >= 0 && switches > cpu && gc > switches, "the cards follow the server CPU card");
        Assert.Contains("2,151 /s", html);
        Assert.Contains(ReportFormat.Html("1,065 voluntary · 1,086 nonvoluntary · 179 /s per player"), html);
        Assert.Contains("gen0 1.5 /s", html);
        Assert.Contains(ReportFormat.Html("gen1 0.2 /s · gen2 0 /s"), html);
    }

    [Fact]
    public void Render_ServerGcNotRead_SaysTheMetricsEndpointDidNotAnswer()
    {
        var result = Result(passed: true);
        var html = HtmlReport.Render(result with { Server = result.Server! with { GcCollectionsPerSecond = null } });

        Assert.Contains("not measured: the server&#39;s /metrics did not answer", html);
    }

    [Fact]
    public void Render_ToolNearItsCoreLimit_WarnsThatBotsMayBeTheLimit()
    {
        var result = Result(passed: true) with { Tool = new ProcessUsage(1, CpuPercentOfOneCore: 390, RssMb: 200) };

        var html = HtmlReport.Render(result);

        Assert.Contains("The load tool was near the limit of its CPUs.", html);
    }

    [Fact]
    public void FindAckP99Check_PrefersTheAckCheckOverOtherP99s()
    {
        var slo = new SloVerdict(true,
        [
            new SloCheck("snapshot interval p99", "<=", 80, 55, "ms", true),
            new SloCheck("input→ack p99", "<=", 60, 52, "ms", true),
        ]);

        Assert.Equal(60, HtmlReport.FindAckP99Check(slo)?.Target);
    }

    [Fact]
    public void FindAckP99Check_WithoutAnAckP99_FindsNothing()
    {
        var slo = new SloVerdict(true, [new SloCheck("snapshot interval p99", "<=", 80, 55, "ms", true)]);

        Assert.Null(HtmlReport.FindAckP99Check(slo));
    }

    [Theory]
    [InlineData("0-3", 4)]
    [InlineData("0-3,6", 5)]
    [InlineData(" 2 , 4-5 ", 3)]
    [InlineData("a-b", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void CountCpus_ReadsLinuxCpuLists(string? cpuList, int? expected)
    {
        Assert.Equal(expected, HtmlReport.CountCpus(cpuList));
    }

    [Fact]
    public void Render_WithDropsStallsAndARestore_ShowsTheRecoverySectionWithItsChartAndRestores()
    {
        var result = Result(passed: true) with { Recovery = Recovery(withFailures: true) };

        var html = HtmlReport.Render(result);

        Assert.Contains("<h2>Recovery", html);
        Assert.Contains("Players reconnecting and stalled", html);
        Assert.Contains("Resumed every drop", html);
        Assert.Contains("4,310 ms", html);                         // longest snapshot gap
        Assert.Contains("arena:&lt;b&gt;7&lt;/b&gt;", html);     // restore table, escaped
        Assert.Contains("950 ms", html);                           // game time lost
        Assert.Contains("In a room at the end", html);
        var svgs = Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline);
        Assert.All(svgs, svg => Assert.Null(Record.Exception(() => XElement.Parse(svg.Value))));
        Assert.DoesNotContain("NaN", html);
    }

    [Fact]
    public void Render_RecoverySloFailed_MarksItsCard()
    {
        var result = Result(passed: false) with
        {
            Recovery = Recovery(withFailures: true),
            Slo = new SloVerdict(false, [new SloCheck("recovery time", "<=", 4_000, 4_310.2, "ms", false)]),
        };

        var html = HtmlReport.Render(result);

        Assert.Matches("card fail\"><div class=\"card-label\">Longest snapshot gap", html);
    }

    [Fact]
    public void Render_WithoutAnyFailure_LeavesTheRecoverySectionOut()
    {
        var html = HtmlReport.Render(Result(passed: true) with { Recovery = Recovery(withFailures: false) });

        Assert.DoesNotContain("<h2>Recovery", html);
        Assert.DoesNotContain("Players reconnecting and stalled", html);
    }

    [Theory]
    [InlineData(0L, "card\"><div class=\"card-label\">Snapshots as deltas</div><div class=\"card-value\">98.5 %</div><div class=\"card-detail\">0 keyframe requests</div>")]
    [InlineData(3L, "card fail\"><div class=\"card-label\">Snapshots as deltas</div><div class=\"card-value\">98.5 %</div><div class=\"card-detail\">3 keyframe requests (should be 0)</div>")]
    public void Render_WithDeltas_ShowsTheirShareAndMarksKeyframeRequests(long keyframeRequests, string card)
    {
        var result = Result(passed: true) with
        {
            Settings = Settings() with { DeltaSnapshots = true },
            Summary = Summary(52) with { DeltaShare = 0.985, KeyframeRequests = keyframeRequests },
        };

        var html = HtmlReport.Render(result);

        Assert.Contains("<dt>Delta snapshots</dt><dd>on (gameserver.v2)</dd>", html);
        Assert.Contains(card, html);
    }

    [Fact]
    public void Render_WithDeltasOff_SaysSo_AndAResultFromBeforeShowsNoDeltaCard()
    {
        var off = HtmlReport.Render(Result(passed: true) with
        {
            Settings = Settings() with { DeltaSnapshots = false },
            Summary = Summary(52) with { DeltaShare = 0, KeyframeRequests = 0 },
        });
        var before = HtmlReport.Render(Result(passed: true));

        Assert.Contains("<dt>Delta snapshots</dt><dd>off (gameserver.v1, every snapshot in full)</dd>", off);
        Assert.Contains("<div class=\"card-value\">off</div>", off);
        Assert.DoesNotContain("Delta snapshots", before);
        Assert.DoesNotContain("Snapshots as deltas", before);
    }

    [Fact]
    public void Render_SeveralUrls_ListsThemInTheHeader()
    {
        var result = Result(passed: true) with
        {
            Settings = Settings() with { Urls = ["ws://10.0.0.5:5000/ws", "ws://10.0.0.6:5000/ws"] },
        };

        var html = HtmlReport.Render(result);

        Assert.Contains("<dt>Server URLs</dt><dd>" + ReportFormat.Html("ws://10.0.0.5:5000/ws · ws://10.0.0.6:5000/ws"), html);
    }

    [Fact]
    public void ResultJson_HasTheRecoveryObjectWithItsFields()
    {
        var result = Result(passed: true) with
        {
            Recovery = Recovery(withFailures: true),
            Settings = Settings() with { Urls = ["ws://10.0.0.5:5000/ws", "ws://10.0.0.6:5000/ws"] },
            Summary = Summary(52) with { SnapshotsPerSecondPerPlayerExcludingOutages = 19.9 },
        };

        var json = System.Text.Json.JsonSerializer.Serialize(result, ResultWriter.JsonOptions);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("gameserver-loadtest/1", root.GetProperty("schema").GetString());
        var recovery = root.GetProperty("recovery");
        foreach (var field in new[] { "botsDropped", "drops", "reconnects", "resumes", "resumeFailures", "botsResumedPercent", "maxSnapshotGapMs",
            "snapshotGapsOver1s", "roomsRestored", "ticksReplayedMax", "botsInRoomAtEnd", "inputsDropped", "acksNotTimed", "snapshotsOutOfOrder" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Number, recovery.GetProperty(field).ValueKind);
        }
        Assert.Equal(["count", "p50", "p99", "max"], recovery.GetProperty("outageMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["max", "p50"], recovery.GetProperty("gameTimeLostMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["second", "reconnecting", "stalled"], recovery.GetProperty("timeline")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["roomId", "lastTickBefore", "firstTickAfter", "ticksReplayed", "tickRateHz", "gameTimeLostMs"],
            recovery.GetProperty("restores")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(75, recovery.GetProperty("botsResumedPercent").GetDouble());
        Assert.Equal(2, root.GetProperty("settings").GetProperty("urls").GetArrayLength());
        Assert.Equal(19.9, root.GetProperty("summary").GetProperty("snapshotsPerSecondPerPlayerExcludingOutages").GetDouble());

        var read = ResultWriter.Read(json);
        Assert.Equal(result.Recovery!.OutageMs, read.Recovery!.OutageMs);
        Assert.Equal(result.Recovery.Timeline, read.Recovery.Timeline);
        Assert.Equal(result.Recovery.Restores, read.Recovery.Restores);
    }

    [Fact]
    public void ResultJson_WrittenBeforeRecovery_ReadsWithoutItAndRenders()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Result(passed: true), ResultWriter.JsonOptions))!;
        node.AsObject().Remove("recovery");
        node["settings"]!.AsObject().Remove("urls");
        node["summary"]!.AsObject().Remove("snapshotsPerSecondPerPlayerExcludingOutages");

        var read = ResultWriter.Read(node.ToJsonString());

        Assert.Null(read.Recovery);
        Assert.Empty(read.Settings.Urls);
        Assert.Null(read.Summary.SnapshotsPerSecondPerPlayerExcludingOutages);
        Assert.DoesNotContain("<h2>Recovery", HtmlReport.Render(read));
    }

    private static int Count(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    private static RecoverySummary Recovery(bool withFailures) => new()
    {
        BotsDropped = withFailures ? 4 : 0,
        Drops = withFailures ? 5 : 0,
        Reconnects = withFailures ? 5 : 0,
        Resumes = withFailures ? 4 : 0,
        ResumeFailures = withFailures ? 1 : 0,
        BotsResumedPercent = withFailures ? 75 : 100,
        OutageMs = withFailures ? new OutageStats(4, 210, 380, 380) : new OutageStats(0, 0, 0, 0),
        MaxSnapshotGapMs = withFailures ? 4_310.2 : 61.2,
        SnapshotGapsOver1s = withFailures ? 4 : 0,
        RoomsRestored = withFailures ? 1 : 0,
        GameTimeLostMs = withFailures ? new GameTimeLostStats(950, 950) : new GameTimeLostStats(0, 0),
        TicksReplayedMax = withFailures ? 19 : 0,
        BotsInRoomAtEnd = withFailures ? 11 : 12,
        InputsDropped = withFailures ? 23 : 0,
        AcksNotTimed = withFailures ? 80 : 0,
        Restores = withFailures ? [RoomRestore.From("arena:<b>7</b>", 700, 682, 20)] : [],
        Timeline = [.. Enumerable.Range(0, 12).Select(second => new RecoveryBucket(second, withFailures && second == 8 ? 4 : 0, withFailures && second is 8 or 9 ? 8 : 0))],
    };

    private static LoadTestResult Result(bool passed)
    {
        var p99 = passed ? 52.1 : 97.3;
        var timeline = new List<TimelineBucket>();
        for (var second = 0; second < 12; second++)
        {
            var phase = second < 3 ? "ramp" : second < 5 ? "warmup" : "measure";
            // Seconds 0 and 7 had no acks: their latency is null and the lines must show a gap.
            var hasAcks = second is not 0 and not 7;
            timeline.Add(new TimelineBucket
            {
                Second = second,
                Phase = phase,
                ConnectedPlayers = second < 3 ? (second + 1) * 4 : 12,
                InputsSent = 360,
                Acks = hasAcks ? 350 : 0,
                LatencyP50Ms = hasAcks ? 30 + second : null,
                LatencyP99Ms = hasAcks ? p99 - 5 + second : null,
                LatencyMaxMs = hasAcks ? p99 + 20 : null,
                SnapshotsPerSecondPerPlayer = 19.8,
                BytesPerSecondPerPlayer = 14_500,
                Errors = passed ? 0 : second % 3,
                ToolCpuPercent = 35,
                ServerCpuPercent = second == 4 ? null : 120,
            });
        }

        return new LoadTestResult
        {
            StartedAt = new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero),
            ElapsedSeconds = 12,
            Settings = Settings(),
            Slo = new SloVerdict(passed,
            [
                new SloCheck("input→ack p99", "<=", 60, p99, "ms", passed),
                new SloCheck("error rate", "<=", 0.001, 0, "fraction", true),
            ]),
            Summary = Summary(p99),
            Timeline = timeline,
            LatencyHistogram =
            [
                new HistogramBin(20, 30, 400),
                new HistogramBin(30, 40, 2_000),
                new HistogramBin(40, 50, 300),
                new HistogramBin(90, 100, 5),
            ],
            Errors = new ErrorSummary
            {
                Total = passed ? 0 : 6,
                ConnectFailures = passed ? 0 : 2,
                JoinFailures = 0,
                Disconnects = passed ? 0 : 3,
                ProtocolErrors = passed ? 0 : 1,
                CloseCodes = passed ? new Dictionary<string, long>() : new Dictionary<string, long> { ["1011"] = 2, ["none"] = 1 },
                ErrorCodes = passed ? new Dictionary<string, long>() : new Dictionary<string, long> { ["RoomFull"] = 1 },
                Samples = passed ? [] : ["connect: connection refused", HostileSample],
            },
            Tool = new ProcessUsage(100, 35, 150),
            Server = new ServerUsage(200, 120, 512)
            {
                ContextSwitchesPerSecond = 2_150.7,
                VoluntaryContextSwitchesPerSecond = 1_064.7,
                NonvoluntaryContextSwitchesPerSecond = 1_086,
                ContextSwitchesPerSecondPerPlayer = 179.23,
                GcCollectionsPerSecond = new GcCollectionRates(Gen0: 1.5, Gen1: 0.2, Gen2: 0),
            },
        };
    }

    private static RunSettings Settings() => new()
    {
        Url = "ws://127.0.0.1:5000/ws",
        RoomType = "arena",
        Rooms = 3,
        PlayersPerRoom = 4,
        InputRateHz = 30,
        RampSeconds = 3,
        WarmupSeconds = 2,
        DurationSeconds = 7,
        ObserversPerRoom = 1,
        Seed = 42,
        MachineCores = 4,
        SpawnedServer = true,
    };

    private static RunSummary Summary(double p99) => new()
    {
        PlayersTarget = 12,
        PlayersJoined = 12,
        PlayersAcked = 12,
        RoomsJoined = 3,
        InputsSent = 2_520,
        InputsAcked = 2_450,
        InputToAckMs = new LatencyStats(2_450, 34, 33.5, 41, p99, p99 + 3, p99 + 20),
        SnapshotIntervalMs = new LatencyStats(2_000, 50, 50, 51, 57, 60, 70),
        SnapshotJitterMs = 2.1,
        SnapshotsPerSecondPerPlayer = 19.8,
        BytesPerSecondPerPlayer = 14_500,
        ConnectMs = new LatencyStats(12, 10, 9, 14, 20, 20, 21),
        JoinMs = new LatencyStats(12, 4, 4, 6, 8, 8, 9),
        ErrorRate = 0,
    };
}

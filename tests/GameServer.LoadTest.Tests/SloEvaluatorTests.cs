using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Slo;

namespace GameServer.LoadTest.Tests;

public sealed class SloEvaluatorTests
{
    private static readonly SloThresholds s_slo = new(P99Ms: 60, MaxErrorRate: 0.01, MinSnapshotsPerSecond: 19);

    [Fact]
    public void Evaluate_EveryFigureExactlyAtItsTarget_Passes()
    {
        var verdict = SloEvaluator.Evaluate(Summary(p99: 60, errorRate: 0.01, snapshots: 19), s_slo, plannedSeconds: 10, windowComplete: true);

        Assert.True(verdict.Passed);
        Assert.All(verdict.Checks, c => Assert.True(c.Passed, c.Name));
        Assert.Equal(["input→ack p99", "error rate", "snapshots/s per player", "players joined", "measurement window"], verdict.Checks.Select(c => c.Name));
    }

    [Theory]
    [InlineData(60.001, 0.01, 19, 40, "input→ack p99")]
    [InlineData(60, 0.0101, 19, 40, "error rate")]
    [InlineData(60, 0.01, 18.999, 40, "snapshots/s per player")]
    [InlineData(60, 0.01, 19, 39, "players joined")]
    public void Evaluate_OneFigureJustPastItsTarget_FailsThatCheckOnly(double p99, double errorRate, double snapshots, int joined, string failing)
    {
        var verdict = SloEvaluator.Evaluate(Summary(p99, errorRate, snapshots, joined), s_slo, plannedSeconds: 10, windowComplete: true);

        Assert.False(verdict.Passed);
        Assert.Equal([failing], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        var check = verdict.Checks.Single(c => c.Name == failing);
        Assert.Equal(failing switch { "input→ack p99" => p99, "error rate" => errorRate, "snapshots/s per player" => snapshots, _ => joined }, check.Actual);
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(1L, false)]
    [InlineData(null, false)] // a summary without the figure proves nothing
    public void Evaluate_WithDeltas_KeyframeRequestsAreCheckedLast_AndAnyFails(long? keyframeRequests, bool passed)
    {
        var summary = Summary(50, 0, 20) with { DeltaShare = 0.99, KeyframeRequests = keyframeRequests };

        var verdict = SloEvaluator.Evaluate(summary, s_slo with { MaxKeyframeRequests = 0 }, 10, windowComplete: true);

        Assert.Equal(6, verdict.Checks.Count);
        var check = verdict.Checks[^1];
        Assert.Equal(SloEvaluator.KeyframeRequestsCheck, check.Name);
        Assert.Equal(("<=", 0.0, keyframeRequests ?? 0, "requests", passed), (check.Comparison, check.Target, check.Actual, check.Unit, check.Passed));
        Assert.Equal(passed, verdict.Passed);
    }

    [Fact]
    public void Evaluate_WithDeltasOff_HasNoKeyframeCheck()
    {
        var verdict = SloEvaluator.Evaluate(Summary(50, 0, 20) with { DeltaShare = 0, KeyframeRequests = 0 }, s_slo, 10, windowComplete: true);

        Assert.DoesNotContain(verdict.Checks, c => c.Name == SloEvaluator.KeyframeRequestsCheck);
    }

    [Fact]
    public void Evaluate_NoAcksAtAll_FailsTheLatencyCheckRatherThanReadingZeroAsFast()
    {
        var summary = Summary(p99: 0, errorRate: 0, snapshots: 20) with { InputToAckMs = HistogramMath.Empty };

        var verdict = SloEvaluator.Evaluate(summary, s_slo, 10, windowComplete: true);

        Assert.False(verdict.Checks.Single(c => c.Name == "input→ack p99").Passed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Evaluate_MeasurementWindow_PassesOnlyWhenComplete(bool complete)
    {
        var summary = Summary(50, 0, 20) with { MeasuredSeconds = complete ? 10.002 : 4.3 };

        var verdict = SloEvaluator.Evaluate(summary, s_slo, plannedSeconds: 10, windowComplete: complete);

        var window = verdict.Checks.Single(c => c.Name == "measurement window");
        Assert.Equal(complete, window.Passed);
        Assert.Equal(complete ? 10 : 4.3, window.Actual);
        Assert.Equal(complete, verdict.Passed);
    }

    [Fact]
    public void Evaluate_WithoutRecoveryThresholds_AddsNoRecoveryChecks()
    {
        var verdict = SloEvaluator.Evaluate(Summary(50, 0, 20), s_slo, 10, windowComplete: true, Recovery());

        Assert.Equal(5, verdict.Checks.Count);
    }

    [Fact]
    public void Evaluate_RecoveryThresholdsExactlyMet_PassAfterTheOtherChecks()
    {
        var slo = s_slo with { MaxRecoveryMs = 4_000, MaxGameTimeLostMs = 1_000, MinResumedPercent = 100 };

        var verdict = SloEvaluator.Evaluate(Summary(50, 0, 20), slo, 10, windowComplete: true, Recovery(gapMs: 4_000, outageMs: 900, lostMs: 1_000, resumed: 100));

        Assert.True(verdict.Passed);
        Assert.Equal(["recovery time", "game time lost", "players resumed"], verdict.Checks.Skip(5).Select(c => c.Name));
        Assert.Equal([4_000.0, 1_000, 100], verdict.Checks.Skip(5).Select(c => c.Actual));
        Assert.Equal(["ms", "ms", "%"], verdict.Checks.Skip(5).Select(c => c.Unit));
    }

    [Theory]
    [InlineData(5_001, 200, 950, 100, "recovery time")]
    [InlineData(300, 5_200, 950, 100, "recovery time")] // an outage longer than any gap
    [InlineData(4_000, 200, 1_050, 100, "game time lost")]
    [InlineData(4_000, 200, 950, 99.5, "players resumed")]
    public void Evaluate_ARecoveryFigurePastItsTarget_FailsThatCheckOnly(double gapMs, double outageMs, double lostMs, double resumed, string failing)
    {
        var slo = s_slo with { MaxRecoveryMs = 5_000, MaxGameTimeLostMs = 1_000, MinResumedPercent = 100 };

        var verdict = SloEvaluator.Evaluate(Summary(50, 0, 20), slo, 10, windowComplete: true, Recovery(gapMs, outageMs, lostMs, resumed));

        Assert.False(verdict.Passed);
        Assert.Equal([failing], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    [Fact]
    public void Evaluate_RecoveryAskedForButNotMeasured_Fails()
    {
        var slo = s_slo with { MinResumedPercent = 100 };

        var verdict = SloEvaluator.Evaluate(Summary(50, 0, 20), slo, 10, windowComplete: true, recovery: null);

        Assert.False(verdict.Checks.Single(c => c.Name == "players resumed").Passed);
    }

    [Fact]
    public void Evaluate_SnapshotRate_IsJudgedWithoutTheOutages()
    {
        // 40 players, 10 s: 16 of them stalled 5 s while their silo's rooms moved. Raw: 20 × (400 − 80) / 400 = 16/s.
        var summary = Summary(50, 0, snapshots: 16) with { SnapshotsPerSecondPerPlayerExcludingOutages = 20 };

        var verdict = SloEvaluator.Evaluate(summary, s_slo, 10, windowComplete: true);

        var check = verdict.Checks.Single(c => c.Name == "snapshots/s per player");
        Assert.True(check.Passed);
        Assert.Equal(20, check.Actual);
    }

    private static RecoverySummary Recovery(double gapMs = 60, double outageMs = 0, double lostMs = 0, double resumed = 100) => new()
    {
        BotsDropped = resumed < 100 || outageMs > 0 ? 10 : 0,
        Drops = outageMs > 0 ? 10 : 0,
        Reconnects = outageMs > 0 ? 10 : 0,
        Resumes = outageMs > 0 ? 10 : 0,
        ResumeFailures = 0,
        BotsResumedPercent = resumed,
        OutageMs = new OutageStats(outageMs > 0 ? 10 : 0, outageMs, outageMs, outageMs),
        MaxSnapshotGapMs = gapMs,
        SnapshotGapsOver1s = gapMs > 1_000 ? 8 : 0,
        RoomsRestored = lostMs > 0 ? 1 : 0,
        GameTimeLostMs = new GameTimeLostStats(lostMs, lostMs),
        TicksReplayedMax = (long)(lostMs / 50),
        BotsInRoomAtEnd = 40,
        InputsDropped = 0,
        AcksNotTimed = 0,
        Restores = [],
        Timeline = [],
    };

    [Fact]
    public void Evaluate_ASoakWithinItsLimits_PassesEveryCheck()
    {
        var verdict = Evaluate(Soak(rss: 4.9, heap: -2, handles: 0, roomsOpen: 0, other: (4, 4)), errors: 0);

        Assert.True(verdict.Passed);
        Assert.Equal(
            [SloEvaluator.RssGrowthCheck, SloEvaluator.HeapGrowthCheck, SloEvaluator.HandlesGrowthCheck, SloEvaluator.RoomsClosedCheck, SloEvaluator.ErrorsCheck],
            verdict.Checks.Skip(5).Select(c => c.Name));
    }

    [Theory]
    [InlineData(5.1, 0, 0, 0, 0, SloEvaluator.RssGrowthCheck)]
    [InlineData(0, 5.1, 0, 0, 0, SloEvaluator.HeapGrowthCheck)]
    [InlineData(0, 0, 5.1, 0, 0, SloEvaluator.HandlesGrowthCheck)]
    [InlineData(0, 0, 0, 1, 0, SloEvaluator.RoomsClosedCheck)]
    [InlineData(0, 0, 0, 0, 1, SloEvaluator.ErrorsCheck)]
    public void Evaluate_ASoakPastOneLimit_FailsThatCheckOnly(double rss, double heap, double handles, double roomsOpen, long errors, string failing)
    {
        // Other grains growing (lazily started storage partitions) is reported, not judged.
        var verdict = Evaluate(Soak(rss, heap, handles, roomsOpen, other: (4, 10)), errors);

        Assert.False(verdict.Passed);
        Assert.Equal([failing], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    [Fact]
    public void Evaluate_ASoakThatCouldNotSeeTheServer_FailsTheGrowthAndRoomChecks()
    {
        var blind = Soak(0, 0, 0, 0, (4, 4)) with
        {
            RssMb = new GrowthFigure(null, null, null),
            GcHeapMb = new GrowthFigure(null, null, null),
            OpenHandles = new GrowthFigure(null, null, null),
            RoomsOpenAfterPlayersLeft = null,
            OtherActivations = null,
        };

        var verdict = Evaluate(blind, errors: 0);

        Assert.Equal([SloEvaluator.RssGrowthCheck, SloEvaluator.HeapGrowthCheck, SloEvaluator.HandlesGrowthCheck, SloEvaluator.RoomsClosedCheck],
            verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    private static SloVerdict Evaluate(SoakSummary soak, long errors) =>
        SloEvaluator.Evaluate(Summary(50, 0, 20), s_slo, plannedSeconds: 10, windowComplete: true,
            recovery: null, new SoakVerdictInput(soak, MaxGrowthPercent: 5, errors));

    private static SoakSummary Soak(double rss, double heap, double handles, double roomsOpen, (double First, double Last) other) => new()
    {
        MatchMinSeconds = 30,
        MatchMaxSeconds = 120,
        DropShare = 0.25,
        SampleEverySeconds = 10,
        Processes = ["pid 1"],
        Leaves = 100,
        Drops = 10,
        ReplacementsFailed = 0,
        Samples = [],
        RssMb = new GrowthFigure(100, 100 + rss, rss),
        GcHeapMb = new GrowthFigure(50, 50 + (heap / 2), heap),
        OpenHandles = new GrowthFigure(400, 400 + (handles * 4), handles),
        Threads = new GrowthFigure(30, 30, 0),
        RoomsOpenAfterPlayersLeft = roomsOpen,
        RoomsClosedAfterSeconds = roomsOpen == 0 ? 5 : null,
        OtherActivations = new GrowthFigure(other.First, other.Last, GrowthMath.Percent(other.First, other.Last)),
    };

    private static RunSummary Summary(double p99, double errorRate, double snapshots, int joined = 40) => new()
    {
        PlayersTarget = 40,
        PlayersJoined = joined,
        PlayersAcked = joined,
        RoomsJoined = 5,
        InputsSent = 8000,
        InputsAcked = 8000,
        InputToAckMs = new LatencyStats(8000, 30, 30, 45, p99, p99, p99),
        SnapshotIntervalMs = new LatencyStats(8000, 50, 50, 51, 53, 55, 60),
        SnapshotJitterMs = 1,
        SnapshotsPerSecondPerPlayer = snapshots,
        BytesPerSecondPerPlayer = 2500,
        ConnectMs = HistogramMath.Empty,
        JoinMs = HistogramMath.Empty,
        ErrorRate = errorRate,
        MeasuredSeconds = 10,
    };
}

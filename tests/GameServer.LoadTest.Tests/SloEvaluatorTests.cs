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

using System.Diagnostics;
using GameServer.LoadTest.Bots;

namespace GameServer.LoadTest.Tests;

/// <summary>A simulated player's input stream (WORKLOAD.md), on explicit Stopwatch timestamps.</summary>
public sealed class InputScheduleTests
{
    private static readonly long s_interval = Stopwatch.Frequency / 20; // 20 Hz
    private static readonly long s_jitter = (long)(0.0025 * Stopwatch.Frequency);

    [Fact]
    public void TheFirstInput_IsDueAtARandomPhaseWithinOneInterval()
    {
        var phases = Enumerable.Range(0, 50).Select(seed =>
        {
            var schedule = new InputSchedule(20, new Random(seed));
            schedule.Start(1_000_000);
            return schedule.NextSendAt - 1_000_000;
        }).ToArray();

        Assert.All(phases, p => Assert.InRange(p, 0, s_interval - 1));
        Assert.True(phases.Distinct().Count() > 40, "phases spread players over the interval");
    }

    [Fact]
    public void SentOnTime_EachNextInputIsOneIntervalLater_WithinTheJitter_AndTheRateHolds()
    {
        var schedule = new InputSchedule(20, new Random(7));
        schedule.Start(0);
        var dueTimes = new List<long> { schedule.NextSendAt };
        for (var i = 0; i < 1000; i++)
        {
            schedule.Next(schedule.NextSendAt);
            dueTimes.Add(schedule.NextSendAt);
        }

        var steps = dueTimes.Zip(dueTimes.Skip(1), (a, b) => b - a).ToArray();
        Assert.All(steps, step => Assert.InRange(step, s_interval - s_jitter, s_interval + s_jitter));
        Assert.InRange(steps.Average(), s_interval - s_jitter / 10.0, s_interval + s_jitter / 10.0);
    }

    [Fact]
    public void AfterAStall_TheNextInputIsOneIntervalFromNow_NotABurstOfMissedOnes()
    {
        var schedule = new InputSchedule(20, new Random(7));
        schedule.Start(0);
        var late = schedule.NextSendAt + 10 * s_interval; // the send loop was held up for half a second

        schedule.Next(late);

        Assert.Equal(late + s_interval, schedule.NextSendAt);
    }

    [Fact]
    public void TheDirection_RandomWalksByAtMostAFifthPerAxis_WithinTheUnitSquare_AndRepeatsForTheSameSeed()
    {
        var first = Walk(seed: 3);
        var again = Walk(seed: 3);
        var other = Walk(seed: 4);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, i => { Assert.InRange(i.Dx, -1f, 1f); Assert.InRange(i.Dy, -1f, 1f); });
        Assert.All(first.Zip(first.Skip(1)), pair =>
        {
            Assert.InRange(Math.Abs(pair.Second.Dx - pair.First.Dx), 0f, 0.2f + 1e-6f);
            Assert.InRange(Math.Abs(pair.Second.Dy - pair.First.Dy), 0f, 0.2f + 1e-6f);
        });
        Assert.True(first.Select(i => i.Dx).Distinct().Count() > 100, "the direction moves");
    }

    private static List<Protocol.Arena.ArenaInput> Walk(int seed)
    {
        var schedule = new InputSchedule(20, new Random(seed));
        schedule.Start(0);
        return Enumerable.Range(0, 500).Select(_ => schedule.Next(schedule.NextSendAt)).ToList();
    }
}

using static GameServer.Grains.Tests.Timestamps;

namespace GameServer.Grains.Tests;

public sealed class PeriodicTests
{
    [Fact]
    public void TryRun_IsDueOncePerPeriod_CountedFromWhenItLastRan()
    {
        var periodic = new Periodic(TimeSpan.FromSeconds(1), At(0));

        var runs = new[] { 999, 1_000, 1_500, 1_999, 2_000 }.Select(ms => periodic.TryRun(At(ms))).ToArray();

        Assert.Equal([false, true, false, false, true], runs);
    }

    [Fact]
    public void TryRun_NeverRunBefore_IsDueAtOnce()
    {
        var periodic = new Periodic(TimeSpan.FromSeconds(1), lastRunAt: 0);

        Assert.True(periodic.TryRun(At(0)));
        Assert.False(periodic.TryRun(At(10)));
    }
}

using GameServer.LoadTest.Reports;

namespace GameServer.LoadTest.Tests;

public sealed class NiceScaleTests
{
    [Theory]
    [InlineData(0, 57, 5, 20, 60)]
    [InlineData(0, 1030, 6, 200, 1200)]
    [InlineData(0, 0.7, 5, 0.2, 0.8)]
    [InlineData(0, 3.2, 5, 1, 4)]
    [InlineData(0, 0, 5, 0.2, 1)]
    public void Create_RoundsToOneTwoFiveSteps(double min, double max, int targetTicks, double expectedStep, double expectedMax)
    {
        var scale = NiceScale.Create(min, max, targetTicks);

        Assert.Equal(expectedStep, scale.Step, precision: 9);
        Assert.Equal(0, scale.Min);
        Assert.Equal(expectedMax, scale.Max, precision: 9);
    }

    [Fact]
    public void Ticks_WithDecimalStep_DoNotDrift()
    {
        var ticks = NiceScale.Create(0, 0.7).Ticks().Select(t => ReportFormat.Tick(t, 0.2)).ToList();

        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8"], ticks);
    }
}

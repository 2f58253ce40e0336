using GameServer.LoadTest.Output;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Tests;

public sealed class SummaryLinesTests
{
    [Fact]
    public void ServerActivity_ShowsContextSwitchesPerSecondAndPerPlayer_AndGcCollectionsByGeneration()
    {
        var server = new ServerUsage(7184, 44.9, 244.5)
        {
            ContextSwitchesPerSecond = 2150.7,
            VoluntaryContextSwitchesPerSecond = 1064.7,
            NonvoluntaryContextSwitchesPerSecond = 1086,
            ContextSwitchesPerSecondPerPlayer = 134.42,
            GcCollectionsPerSecond = new GcCollectionRates(0.4, 0.1, 0),
        };

        Assert.Equal(
            "context switches 2151/s (1065 voluntary, 1086 nonvoluntary; 134.4/s per player), GC collections/s gen0 0.4 gen1 0.1 gen2 0",
            SummaryLines.ServerActivity(server));
    }

    [Fact]
    public void ServerActivity_NothingMeasured_SaysSo()
    {
        Assert.Equal(
            "context switches not measured, GC collections not measured (no /metrics)",
            SummaryLines.ServerActivity(new ServerUsage(1, 10, 100)));
    }
}

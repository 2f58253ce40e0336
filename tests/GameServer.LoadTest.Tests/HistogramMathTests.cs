using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

public sealed class HistogramMathTests
{
    [Fact]
    public void Bins_SmallLatencies_AreOneMillisecondWideWithEmptyBinsLeftOut()
    {
        var histogram = MicrosecondRecorder.NewHistogram();
        histogram.RecordValue(500);    // 0.5 ms
        histogram.RecordValue(999);    // still bin [0, 1)
        histogram.RecordValue(1_000);  // bin [1, 2)
        histogram.RecordValue(7_400);  // bin [7, 8)
        histogram.RecordValue(7_999);

        var bins = HistogramMath.Bins(histogram);

        Assert.Equal([(0.0, 1.0, 2L), (1.0, 2.0, 1L), (7.0, 8.0, 2L)], bins.Select(b => (b.FromMs, b.ToMs, b.Count)));
    }

    [Fact]
    public void Bins_LargeMax_WidenToAtMostTheBinLimitAndKeepEveryValue()
    {
        var histogram = MicrosecondRecorder.NewHistogram();
        for (var ms = 0; ms < 3_000; ms++)
        {
            histogram.RecordValue((ms * 1000) + 500); // up to ~3 s: 10 ms bins would be 300, so 20 ms ones
        }

        var bins = HistogramMath.Bins(histogram, maxBins: 200);

        Assert.True(bins.Count <= 200, $"{bins.Count} bins");
        Assert.All(bins, b => Assert.Equal(20, b.ToMs - b.FromMs));
        Assert.Equal(3_000, bins.Sum(b => b.Count));
        Assert.Equal(0, bins[0].FromMs);
    }

    [Theory]
    [InlineData(0, 200, 1)]
    [InlineData(199.9, 200, 1)]
    [InlineData(200, 200, 2)]
    [InlineData(399, 200, 2)]
    [InlineData(400, 200, 5)]
    [InlineData(1_500, 200, 10)]
    [InlineData(30_000, 200, 200)]
    [InlineData(50, 10, 10)]
    public void BinWidthMs_IsTheNarrowest125StepThatFits(double maxMs, int maxBins, double expected)
    {
        Assert.Equal(expected, HistogramMath.BinWidthMs(maxMs, maxBins));
    }

    [Fact]
    public void Stats_ConvertsMicrosecondsToMilliseconds()
    {
        var histogram = MicrosecondRecorder.NewHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.RecordValue(i * 1000);
        }

        var stats = HistogramMath.Stats(histogram);

        Assert.Equal(100, stats.Count);
        Assert.Equal(50, stats.P50, precision: 1);
        Assert.Equal(99, stats.P99, precision: 1);
        Assert.Equal(100, stats.Max, precision: 1);
        Assert.Equal(50.5, stats.Mean, precision: 1);
    }

    [Fact]
    public void Stats_EmptyHistogram_IsAllZero()
    {
        Assert.Equal(HistogramMath.Empty, HistogramMath.Stats(MicrosecondRecorder.NewHistogram()));
        Assert.Empty(HistogramMath.Bins(MicrosecondRecorder.NewHistogram()));
    }

    [Fact]
    public void Recorder_TakeInterval_ReturnsOnlyWhatWasRecordedSinceTheLastTake()
    {
        var recorder = new MicrosecondRecorder();
        recorder.RecordMicroseconds(1_000);
        recorder.RecordMicroseconds(2_000);
        var first = recorder.TakeInterval();
        Assert.Equal(2, first.TotalCount);
        recorder.AddToWindow(first);

        recorder.RecordMicroseconds(3_000);
        var second = recorder.TakeInterval();
        Assert.Equal(1, second.TotalCount);
        recorder.AddToWindow(second);

        Assert.Equal(3, recorder.Window.TotalCount);
    }
}

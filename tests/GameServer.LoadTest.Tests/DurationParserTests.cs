using GameServer.LoadTest.Cli;

namespace GameServer.LoadTest.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5", 1_500)]
    [InlineData("30", 30_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 10 s ", 10_000)]
    [InlineData("0.25S", 250)]
    public void TryParse_WithUnitOrPlainSeconds_ReadsTheDuration(string text, double expectedMs)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(expectedMs, duration.TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("1,5")]
    [InlineData("5 min")]
    [InlineData(null)]
    public void TryParse_WithGarbage_Refuses(string? text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}

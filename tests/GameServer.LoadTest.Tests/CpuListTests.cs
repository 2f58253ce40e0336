using GameServer.LoadTest.Cli;

namespace GameServer.LoadTest.Tests;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("0", new[] { 0 }, 0b1UL)]
    [InlineData("1", new[] { 1 }, 0b10UL)]
    [InlineData("0-1", new[] { 0, 1 }, 0b11UL)]
    [InlineData("0,2-3", new[] { 0, 2, 3 }, 0b1101UL)]
    [InlineData("3,1,1-2", new[] { 1, 2, 3 }, 0b1110UL)]
    [InlineData("63", new[] { 63 }, 1UL << 63)]
    public void TryParse_TasksetSyntax_GivesCpusAndAffinityMask(string text, int[] expectedCpus, ulong expectedMask)
    {
        Assert.True(CpuList.TryParse(text, out var cpus, out var error), error);
        Assert.Equal(expectedCpus, cpus);
        Assert.Equal(expectedMask, CpuList.ToMask(cpus));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    [InlineData("64")]
    [InlineData("0,,1")]
    public void TryParse_Invalid_RefusesWithAReason(string text)
    {
        Assert.False(CpuList.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}

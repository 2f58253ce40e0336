using GameServer.LoadTest.Bots;

namespace GameServer.LoadTest.Tests;

public sealed class EdgeRotationTests
{
    private static readonly Uri[] s_edges = [new("ws://127.0.0.1:5001/ws"), new("ws://127.0.0.1:5002/ws"), new("ws://127.0.0.1:5003/ws")];

    [Theory]
    [InlineData(0, new[] { 0, 1, 2 })]
    [InlineData(1, new[] { 1, 2, 0 })]
    [InlineData(2, new[] { 2, 0, 1 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(7, new[] { 1, 2, 0 })]
    public void For_BotI_StartsAtEdgeIModNAndKeepsTheOrder(int bot, int[] expected)
    {
        Assert.Equal(expected.Select(i => s_edges[i]), EdgeRotation.For(s_edges, bot));
    }

    [Fact]
    public void For_ManyBots_SpreadsTheirFirstEdgeEvenly()
    {
        var firsts = Enumerable.Range(0, 30).Select(i => EdgeRotation.For(s_edges, i)[0]).GroupBy(u => u).Select(g => g.Count());

        Assert.Equal([10, 10, 10], firsts);
    }

    [Fact]
    public void For_OneEdge_IsThatEdge()
    {
        Assert.Equal([s_edges[0]], EdgeRotation.For([s_edges[0]], 5));
    }
}

using GameServer.LoadTest.Measurement;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Tests;

public sealed class EdgeLogTests
{
    private static readonly Uri s_a = new("ws://127.0.0.1:5001/ws");
    private static readonly Uri s_b = new("ws://127.0.0.1:5002/ws");
    private static readonly Uri s_c = new("ws://127.0.0.1:5003/ws");

    [Fact]
    public void Summarize_ListsEveryEdgeInUrlOrder_WithZerosForEdgesNobodyReached()
    {
        var log = new EdgeLog();
        log.Connected(s_b);
        log.Connected(s_a);
        log.Connected(s_a);

        var edges = log.Summarize([s_a, s_b, s_c], [s_a, s_b]);

        Assert.Equal([
            new EdgeSummary("ws://127.0.0.1:5001/ws", 2, 0, 0, 1),
            new EdgeSummary("ws://127.0.0.1:5002/ws", 1, 0, 0, 1),
            new EdgeSummary("ws://127.0.0.1:5003/ws", 0, 0, 0, 0)], edges);
    }

    [Fact]
    public void AnEdgeLost_ShowsItsDropsThere_AndTheReconnectsAndPlayersOnTheOther()
    {
        var log = new EdgeLog();
        foreach (var edge in new[] { s_a, s_b, s_a, s_b })
        {
            log.Connected(edge);
        }
        log.Dropped(s_a);
        log.Dropped(s_a);
        log.ReconnectedTo(s_b);
        log.ReconnectedTo(s_b);

        var edges = log.Summarize([s_a, s_b], [s_b, s_b, s_b, s_b]);

        Assert.Equal(new EdgeSummary("ws://127.0.0.1:5001/ws", 2, 2, 0, 0), edges[0]);
        Assert.Equal(new EdgeSummary("ws://127.0.0.1:5002/ws", 2, 0, 2, 4), edges[1]);
    }

    [Fact]
    public void AnEdgeNotInTheUrls_IsListedAfterThem_AndAQueryNeverAppears()
    {
        var log = new EdgeLog();
        log.Connected(new Uri("ws://127.0.0.1:5009/ws?access_token=secret"));

        var edges = log.Summarize([s_a], []);

        Assert.Equal(["ws://127.0.0.1:5001/ws", "ws://127.0.0.1:5009/ws"], edges.Select(e => e.Url));
        Assert.DoesNotContain(edges, e => e.Url.Contains("secret", StringComparison.Ordinal));
    }
}

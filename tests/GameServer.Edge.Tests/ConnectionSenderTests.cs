using GameServer.Abstractions;
using GameServer.Protocol;

namespace GameServer.Edge.Tests;

/// <summary>
/// The bounded outbound path. The socket here is a stand-in whose sends stall on command, so "the client stopped
/// reading" is deterministic; the real-socket proof with a client that stops reading belongs to the end-to-end suite.
/// </summary>
public sealed class ConnectionSenderTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void EnqueueSnapshot_WhileASendIsStuck_KeepsOnlyTheNewestAndCountsTheDropped()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(socket, new EdgeOptions { MaxConsecutiveDroppedSnapshots = 100 }, metrics.Edge);

        for (byte tick = 1; tick <= 5; tick++)
        {
            sender.EnqueueSnapshot(new SnapshotFrame(tick, [tick]));
        }
        socket.Release();

        Assert.Equal(3, sender.SnapshotsDropped); // 1 in flight, 2..4 replaced, 5 waits
        Assert.Equal(3, metrics.Total("gameserver.edge.snapshots.dropped"));
        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 2, s_timeout));
        Assert.True(SpinWait.SpinUntil(() => metrics.Total("gameserver.edge.messages.sent") == 2, s_timeout));
        Assert.Equal([1], socket.Sent[0]);
        Assert.Equal([5], socket.Sent[1]);
    }

    [Fact]
    public async Task EnqueueSnapshot_WhenTooManyAreDroppedInARow_ClosesWithSlowConsumerOnceTheStuckSendEnds()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(socket, new EdgeOptions { MaxConsecutiveDroppedSnapshots = 3, CloseTimeoutMs = 10_000 }, metrics.Edge);

        for (byte tick = 1; tick <= 10; tick++)
        {
            sender.EnqueueSnapshot(new SnapshotFrame(tick, [tick]));
        }
        socket.Release();
        await sender.CloseSent.WaitAsync(s_timeout);

        Assert.True(sender.ClosedAsSlowConsumer);
        Assert.Equal(CloseCode.SlowConsumer, (int?)socket.CloseStatus);
        Assert.False(socket.Aborted);
        Assert.Single(socket.Sent); // nothing after the stuck snapshot: the close went out instead
    }

    [Fact]
    public async Task EnqueueSnapshot_WhenEvenTheCloseCannotGetOut_AbortsAfterTheCloseTimeout()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(socket, new EdgeOptions { MaxConsecutiveDroppedSnapshots = 2, CloseTimeoutMs = 50 }, metrics.Edge);

        for (byte tick = 1; tick <= 4; tick++)
        {
            sender.EnqueueSnapshot(new SnapshotFrame(tick, [tick]));
        }
        await sender.CloseSent.WaitAsync(s_timeout);

        Assert.True(socket.Aborted);
        Assert.True(sender.ClosedAsSlowConsumer);
    }

    [Fact]
    public void EnqueueControl_BeyondItsBound_RefusesAndClosesAsSlowConsumer()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(socket, new EdgeOptions { MaxQueuedControlMessages = 2, CloseTimeoutMs = 10_000 }, metrics.Edge);

        var accepted = Enumerable.Range(0, 4).Select(i => sender.EnqueueControl([(byte)i])).ToArray();

        Assert.Equal([true, true, true, false], accepted); // 1 in flight + 2 queued, the 4th refused
        Assert.True(sender.ClosedAsSlowConsumer);
    }

    [Fact]
    public void EnqueueControl_AheadOfAWaitingSnapshot_IsSentFirst()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(socket, new EdgeOptions(), metrics.Edge);

        sender.EnqueueSnapshot(new SnapshotFrame(1, [1]));
        sender.EnqueueSnapshot(new SnapshotFrame(2, [2]));
        sender.EnqueueControl([9]);
        socket.Release();

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 3, s_timeout));
        Assert.Equal(new byte[][] { [1], [9], [2] }, socket.Sent);
    }
}

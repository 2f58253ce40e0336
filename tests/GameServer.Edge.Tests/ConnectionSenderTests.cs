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
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 100 }, metrics.Edge);

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
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 3, CloseTimeoutMs = 10_000 }, metrics.Edge);

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
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 2, CloseTimeoutMs = 50 }, metrics.Edge);

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
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxQueuedControlMessages = 2, CloseTimeoutMs = 10_000 }, metrics.Edge);

        var accepted = Enumerable.Range(0, 4).Select(i => sender.EnqueueControl([(byte)i])).ToArray();

        Assert.Equal([true, true, true, false], accepted); // 1 in flight + 2 queued, the 4th refused
        Assert.True(sender.ClosedAsSlowConsumer);
    }

    [Fact]
    public void EnqueueControl_AheadOfAWaitingSnapshot_IsSentFirst()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge);

        sender.EnqueueSnapshot(new SnapshotFrame(1, [1]));
        sender.EnqueueSnapshot(new SnapshotFrame(2, [2]));
        sender.EnqueueControl([9]);
        socket.Release();

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 3, s_timeout));
        Assert.Equal(new byte[][] { [1], [9], [2] }, socket.Sent);
    }

    [Fact]
    public void EnqueueSnapshot_SendsTheSeatsViewThenItsEvents_BeforeControlMessagesQueuedMeanwhile()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge);
        // View 1 is the frame's first view, view 2 one of its others; entity 7 has events of its own.
        var frame = new SnapshotFrame(5, [1], View: 1, Events: [11], OtherViews: [new ViewFrame(2, [2], null, [22])],
            PlayerEvents: [new PlayerEventsFrame(7, [77])]);
        sender.EnqueueSnapshot(frame, view: 2, entityId: 3);
        sender.EnqueueControl([0xC1]); // while the snapshot's send is stuck
        socket.Release();

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 3, s_timeout));
        Assert.Equal([[2], [22], [0xC1]], socket.Sent);
    }

    [Theory]
    [InlineData(1, 7, new byte[] { 1 }, new byte[] { 77 })] // the player's own frame holds all they get
    [InlineData(1, 4, new byte[] { 1 }, new byte[] { 11 })]
    [InlineData(2, 7, new byte[] { 2 }, new byte[] { 77 })]
    public void EnqueueSnapshot_PicksTheViewsBytes_AndThePlayersOwnEventsWhenItHasAny(int view, int entityId, byte[] snapshot, byte[] events)
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket();
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge);
        var frame = new SnapshotFrame(5, [1], View: 1, Events: [11], OtherViews: [new ViewFrame(2, [2], null, [22])],
            PlayerEvents: [new PlayerEventsFrame(7, [77])]);

        sender.EnqueueSnapshot(frame, view, entityId);

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 2, s_timeout));
        Assert.Equal([snapshot, events], socket.Sent);
    }

    [Fact]
    public void EnqueueSnapshot_ForAViewTheFrameDoesNotHave_SendsNothing()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket();
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge);

        sender.EnqueueSnapshot(new SnapshotFrame(5, [1], View: 1), view: 3, entityId: 1);
        sender.EnqueueControl([0xC0]);

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 1, s_timeout));
        Assert.Equal([[0xC0]], socket.Sent);
    }

    [Fact]
    public void ASnapshotReplacedWhileASendIsStuck_KeepsItsEvents_WhichFollowTheNewerSnapshotInOrder()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 100 }, metrics.Edge);

        for (byte tick = 1; tick <= 4; tick++)
        {
            sender.EnqueueSnapshot(new SnapshotFrame(tick, [tick], Events: [(byte)(10 + tick)]));
        }
        socket.Release();

        // 1 and its events went first; 2 and 3 were replaced by 4, but their events follow 4, in order.
        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 6, s_timeout));
        Assert.Equal([[1], [11], [4], [12], [13], [14]], socket.Sent);
        Assert.Equal(2, sender.SnapshotsDropped);
    }

    [Fact]
    public async Task TooManyEventsKeptFromReplacedSnapshots_CloseAsASlowConsumer()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 100, MaxQueuedControlMessages = 2, CloseTimeoutMs = 10_000 }, metrics.Edge);

        for (byte tick = 1; tick <= 6; tick++)
        {
            sender.EnqueueSnapshot(new SnapshotFrame(tick, [tick], Events: [(byte)(10 + tick)]));
        }
        socket.Release();
        await sender.CloseSent.WaitAsync(s_timeout);

        Assert.True(sender.ClosedAsSlowConsumer);
        Assert.Equal(CloseCode.SlowConsumer, (int?)socket.CloseStatus);
    }

    [Fact]
    public void LateEvents_FollowTheNextSnapshotSent()
    {
        using var metrics = new TestMetrics();
        var socket = new StallingWebSocket { Stall = true };
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge);

        sender.EnqueueSnapshot(new SnapshotFrame(6, [6], Events: [16]));
        sender.EnqueueLateEvents([15]); // tick 5's snapshot arrived after tick 6's
        sender.EnqueueSnapshot(new SnapshotFrame(7, [7]));
        socket.Release();

        Assert.True(SpinWait.SpinUntil(() => socket.Sent.Count == 4, s_timeout));
        Assert.Equal([[6], [16], [7], [15]], socket.Sent);
    }
}

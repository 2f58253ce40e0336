using System.Collections.Concurrent;
using GameServer.Abstractions;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK as a game engine uses it (<see cref="GameClientOptions.QueueEvents"/>): the client works in the background,
/// and every event waits for the game loop's <see cref="GameClient.DrainEvents"/>, which raises them on its own thread.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class QueuedEventsTests(HostFixture host)
{
    private static readonly byte[] s_moveRight = new ArenaInput(1, 0).ToPayload();

    [Fact]
    public async Task QueuedEvents_WaitForDrainEvents_AndAreRaisedInOrderOnTheDrainingThread()
    {
        await using var client = host.NewClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, QueueEvents = true, SendTokenInQuery = true });
        var raised = new List<string>();
        var offThread = 0;
        var drainingThread = -1;
        void Record(string what)
        {
            if (Environment.CurrentManagedThreadId != drainingThread)
            {
                Interlocked.Increment(ref offThread);
            }
            raised.Add(what);
        }
        var arrivals = new List<(TimeSpan ReceivedAt, TimeSpan RaisedAt)>();
        client.StateChanged += state => Record("state " + state);
        client.Welcomed += welcome => Record("welcome " + welcome.EntityId);
        client.SnapshotReceived += _ =>
        {
            Record("snapshot");
            arrivals.Add((client.EventReceivedAt, client.Clock));
        };
        client.InputAcknowledged += (_, _) => Record("ack");

        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinRoomAsync(RoomIds.New("arena"));
        await client.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => client.SnapshotsReceived >= 20 && client.LastAckedSeq >= 1, "snapshots and an ack arrive in the background");
        Assert.Empty(raised);

        drainingThread = Environment.CurrentManagedThreadId;
        var count = client.DrainEvents();

        // A snapshot's frame, ack and snapshot events are one queued entry: the count is of entries.
        Assert.Equal(count, raised.Count(r => r != "ack"));
        Assert.Equal(0, offThread);
        Assert.Equal(["state Connecting", "state Connected", "state InRoom", "welcome " + welcome.EntityId], raised.Take(4));
        Assert.Contains("ack", raised);
        Assert.True(raised.Count(r => r == "snapshot") >= 20);
        // Each snapshot carries its own arrival time, not the moment the loop drained it.
        Assert.All(arrivals, a => Assert.True(a.ReceivedAt <= a.RaisedAt));
        Assert.True(arrivals[^1].ReceivedAt - arrivals[0].ReceivedAt >= TimeSpan.FromMilliseconds(500), "20 snapshots at 20 Hz span most of a second");
        Assert.Equal(0, client.SnapshotsDropped);
        Assert.Equal(0, client.MalformedFrames);
    }

    [Fact]
    public async Task UndrainedSnapshots_AreCapped_KeepingTheNewest_AndOtherEventsAreKept()
    {
        await using var client = host.NewClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, QueueEvents = true, MaxQueuedSnapshots = 3 });
        var ticks = new List<long>();
        var welcomes = 0;
        client.SnapshotReceived += s => ticks.Add(s.Tick);
        client.Welcomed += _ => welcomes++;
        await client.ConnectAsync(host.WebSocketUri);
        await client.JoinRoomAsync(RoomIds.New("arena"));
        await Wait.UntilAsync(() => client.SnapshotsReceived >= 10, "ten snapshots, none drained");
        var lastBeforeDrain = client.LastTick;

        client.DrainEvents();

        Assert.Equal(1, welcomes);
        Assert.InRange(ticks.Count, 1, 3);
        Assert.Equal(ticks.OrderBy(t => t), ticks);
        Assert.True(client.SnapshotsDropped >= 7, $"dropped {client.SnapshotsDropped}");
        Assert.True(ticks[^1] >= lastBeforeDrain, "the newest snapshots are the ones kept");
    }

    [Fact]
    public void AQueueOfNoSnapshots_IsRefusedAtConstruction_NamingTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, QueueEvents = true, MaxQueuedSnapshots = 0 }));
        Assert.Contains("MaxQueuedSnapshots", error.Message);
    }
}

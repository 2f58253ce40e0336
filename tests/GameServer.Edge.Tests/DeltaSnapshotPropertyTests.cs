using System.Net.WebSockets;
using GameServer.Abstractions;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Simulation;
using GameServer.Simulation.Games.Arena;

namespace GameServer.Edge.Tests;

/// <summary>
/// Delta snapshots end to end without the network: the arena room runtime writes each snapshot in full and as a delta,
/// the real <see cref="ConnectionSender"/> of each connection picks one at send time, and a client that keeps only what
/// it applied rebuilds every snapshot. For random games (joins, leaves, inputs out of order or repeated, seat takeovers,
/// settings changes, restores from an earlier checkpoint) and random connections (slow ones whose snapshots get
/// replaced, drops, keyframe requests), every snapshot a client ends up with is byte for byte the room's own.
/// </summary>
public sealed class DeltaSnapshotPropertyTests
{
    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryRebuiltSnapshot_IsTheRoomsOwn_AndEveryDeltaFollowsItsBase(int seed)
    {
        using var inline = new NoSynchronizationContext();
        var random = new Random(seed);
        var game = new ArenaGame();
        var settings = game.DefaultSettings;
        var runtime = new RoomRuntime(game.CreateRoom(new GameRoomContext("arena:prop", seed, settings)), settings);
        var players = new List<int>();
        var seqs = new Dictionary<int, uint>();
        var sent = new List<SnapshotFrame>();
        var clients = Enumerable.Range(0, 4).Select(_ => new Client()).ToList();
        RuntimeCheckpoint? checkpoint = null;
        var totals = new Totals();
        var ticks = random.Next(60, 400);

        for (var t = 0; t < ticks; t++)
        {
            // What happens in the room before this tick.
            if (players.Count < settings.MaxPlayers && random.NextDouble() < 0.08)
            {
                var id = runtime.Join()!.Value;
                players.Add(id);
                seqs[id] = 0;
            }
            if (players.Count > 0 && random.NextDouble() < 0.03)
            {
                var id = players[random.Next(players.Count)];
                runtime.Leave(id);
                players.Remove(id);
            }
            if (players.Count > 0 && random.NextDouble() < 0.02)
            {
                var id = players[random.Next(players.Count)];
                runtime.RestartInputs(id); // a seat taken over: its ack goes back to 0
                seqs[id] = 0;
            }
            foreach (var id in players)
            {
                for (var n = random.Next(0, 3); n > 0; n--)
                {
                    var seq = seqs[id] = (uint)(seqs[id] + random.Next(0, 3)); // repeats and gaps
                    var input = new ArenaInput((float)((random.NextDouble() * 2.4) - 1.2), (float)((random.NextDouble() * 2.4) - 1.2));
                    runtime.Enqueue(id, seq, input.ToPayload());
                }
            }
            if (random.NextDouble() < 0.02)
            {
                settings = settings with { SnapshotEveryTicks = random.Next(1, 4) };
                runtime.ApplySettings(settings, new Dictionary<string, double>());
            }
            if (random.NextDouble() < 0.05)
            {
                checkpoint = runtime.SaveCheckpoint();
            }
            if (checkpoint is not null && random.NextDouble() < 0.01)
            {
                // The silo died: the room continues from an earlier checkpoint, so ticks players saw come again.
                runtime = RoomRuntime.Restore(game.CreateRoom(new GameRoomContext("arena:prop", seed, settings)), settings, checkpoint);
                players = checkpoint.Players.Select(p => p.EntityId).ToList();
                seqs = checkpoint.Players.ToDictionary(p => p.EntityId, p => p.LastProcessedSeq);
            }

            runtime.Step();
            if (runtime.IsSnapshotTick)
            {
                var snapshot = runtime.WriteSnapshots((uint)(t * 50));
                var frame = new SnapshotFrame(snapshot.Tick, snapshot.Keyframe, snapshot.Delta, snapshot.BaseTick, runtime.StreamId);
                sent.Add(frame);
                foreach (var client in clients)
                {
                    client.Sender.EnqueueSnapshot(frame);
                }
            }

            // What happens on each connection.
            foreach (var client in clients)
            {
                var roll = random.NextDouble();
                if (roll < 0.01)
                {
                    client.Reconnect(); // a new connection starts from a full snapshot
                }
                else if (roll < 0.03)
                {
                    client.RequestKeyframe();
                }
                client.Socket.Stall = random.NextDouble() < 0.25; // slow for a while: a waiting snapshot gets replaced
                if (!client.Socket.Stall)
                {
                    client.Socket.CompleteSend();
                }
                client.Receive(sent, totals);
            }
        }

        Assert.Equal(0, totals.Mismatches);
        Assert.True(totals.Deltas > totals.Keyframes, $"deltas {totals.Deltas}, full snapshots {totals.Keyframes}");
        Assert.True(totals.Applied >= ticks / 6, $"applied {totals.Applied} over {ticks} ticks");
    }

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 60; seed++)
        {
            seeds.Add(seed);
        }
        return seeds;
    }

    [Fact]
    public void AV1Connection_GetsOnlyFullSnapshots()
    {
        using var inline = new NoSynchronizationContext();
        var game = new ArenaGame();
        var runtime = new RoomRuntime(game.CreateRoom(new GameRoomContext("arena:v1", 7, game.DefaultSettings)), game.DefaultSettings);
        runtime.Join();
        using var metrics = new TestMetrics();
        var socket = new StepWebSocket();
        var sender = new ConnectionSender(new WebSocketPlayerConnection(socket, 4096), new EdgeOptions(), metrics.Edge, deltaSnapshots: false);
        for (var i = 0; i < 10; i++)
        {
            runtime.Step();
            var snapshot = runtime.WriteSnapshots(0);
            Assert.True(i == 0 || snapshot.Delta is not null);
            sender.EnqueueSnapshot(new SnapshotFrame(snapshot.Tick, snapshot.Keyframe, snapshot.Delta, snapshot.BaseTick, runtime.StreamId));
            socket.CompleteSend();
        }
        Assert.Equal(10, socket.Sent.Count);
        Assert.All(socket.Sent, frame => Assert.Equal(MessageType.Snapshot, MessageCodec.PeekType(frame)));
        Assert.Equal(0, sender.DeltasSent);
    }

    /// <summary>
    /// Runs the test without xunit's synchronization context: under one, a completed send's continuation is never run
    /// inline but queued, and the sender's next send would start at some later moment instead of inside CompleteSend.
    /// </summary>
    private sealed class NoSynchronizationContext : IDisposable
    {
        private readonly SynchronizationContext? _previous = SynchronizationContext.Current;

        public NoSynchronizationContext() => SynchronizationContext.SetSynchronizationContext(null);

        public void Dispose() => SynchronizationContext.SetSynchronizationContext(_previous);
    }

    private sealed class Totals
    {
        public int Mismatches;
        public int Deltas;
        public int Keyframes;
        public int Applied;
    }

    /// <summary>A client: its connection's sender and socket, and the last snapshot it applied.</summary>
    private sealed class Client
    {
        private readonly TestMetrics _metrics = new();
        private int _read;
        private Snapshot? _applied;
        // Frames from this index on must start with a full snapshot: sends that start after a new connection or a keyframe request.
        private int? _keyframeFrom;

        public Client() => Reconnect();

        public StepWebSocket Socket { get; private set; } = null!;

        public ConnectionSender Sender { get; private set; } = null!;

        public void Reconnect()
        {
            Socket?.CompleteSend();
            Socket = new StepWebSocket();
            Sender = new ConnectionSender(new WebSocketPlayerConnection(Socket, 4096), new EdgeOptions { MaxConsecutiveDroppedSnapshots = 1_000 }, _metrics.Edge, deltaSnapshots: true);
            _read = 0;
            _applied = null;
            _keyframeFrom = 0;
        }

        public void RequestKeyframe()
        {
            Sender.RequestKeyframe();
            _keyframeFrom ??= Socket.Sent.Count; // a send already started may still be a delta
        }

        public void Receive(List<SnapshotFrame> sent, Totals totals)
        {
            for (; _read < Socket.Sent.Count; _read++)
            {
                var bytes = Socket.Sent[_read];
                var message = MessageCodec.DecodeServer(bytes);
                Snapshot rebuilt;
                byte[] expected;
                if (message is Delta delta)
                {
                    // The server's rule: a delta follows the snapshot it applies to, and never where a full one was due.
                    Assert.False(_read >= _keyframeFrom, "a delta came where a full snapshot was due");
                    Assert.NotNull(_applied);
                    Assert.Equal(_applied!.Tick, delta.BaseTick);
                    rebuilt = DeltaFormatter.Apply(_applied, delta, ArenaDelta.Instance);
                    expected = sent.Last(f => f.Delta is { } d && d.AsSpan().SequenceEqual(bytes)).Bytes;
                    totals.Deltas++;
                }
                else
                {
                    var snapshot = Assert.IsType<Snapshot>(message);
                    rebuilt = snapshot;
                    expected = bytes;
                    _keyframeFrom = null;
                    totals.Keyframes++;
                }
                if (!MessageCodec.Encode(rebuilt).AsSpan().SequenceEqual(expected))
                {
                    totals.Mismatches++;
                }
                _applied = rebuilt;
                totals.Applied++;
            }
        }
    }

    /// <summary>
    /// A socket whose sends the test completes one at a time, inline: after <see cref="CompleteSend"/> the sender has
    /// already started its next send (or gone idle), so the test is deterministic.
    /// </summary>
    private sealed class StepWebSocket : WebSocket
    {
        private TaskCompletionSource? _inFlight;

        public bool Stall { get; set; }

        public List<byte[]> Sent { get; } = new();

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => WebSocketState.Open;

        public override string? SubProtocol => null;

        /// <summary>Completes the send in flight, if any; the sender's next send starts on this thread.</summary>
        public void CompleteSend()
        {
            while (_inFlight is { } inFlight)
            {
                _inFlight = null;
                inFlight.SetResult();
                if (Stall)
                {
                    return;
                }
            }
        }

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Sent.Add(buffer.ToArray());
            if (!Stall)
            {
                return Task.CompletedTask;
            }
            _inFlight = new TaskCompletionSource();
            return _inFlight.Task;
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Abort()
        {
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override void Dispose()
        {
        }
    }
}

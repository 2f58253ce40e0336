using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Testing;
using GameServer.UnityClient;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The Unity sample's way of playing, against the real embedded server (Development, as <c>dotnet run --project
    /// src/GameServer.Host</c> runs it): the SDK's <see cref="GameClient"/> with queued events drained by a game loop,
    /// and the sample's <see cref="SnapshotInterpolator"/> fed with each snapshot's arrival time. Every event must be
    /// raised inside a drain (Unity's APIs are main-thread only). The client core's reconnect, resume and close rules
    /// are tested once, in tests/GameServer.EndToEnd.Tests (ClientReconnectTests, QueuedEventsTests).
    /// </summary>
    [Collection(HostCollection.Name)]
    [CheckLogs]
    public sealed class ArenaSampleTests
    {
        private const string ArenaRoomType = "arena";
        private const float ArenaSize = 1000f;

        private readonly HostFixture _fixture;

        public ArenaSampleTests(HostFixture fixture)
        {
            _fixture = fixture;
        }

        private TestHost Host => _fixture.Host;

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task JoinsTheArena_SeesItsEntityInterpolated_AndItsInputsAreAcknowledgedAndMoveIt(bool devTokenInQuery)
        {
            var player = TestHost.NewPlayerId();
            // Header + signed token as a game's login service would issue; or, as the sample does with no token set, the
            // Development server's /auth/dev-token sent in the access_token query parameter.
            var token = devTokenInQuery ? await DevTokenAsync(player) : Host.NewToken(player);
            await using var client = NewClient(token, devTokenInQuery);
            var log = new EventLog(client);
            var interpolator = new SnapshotInterpolator();
            var view = new List<ArenaEntity>();
            client.Welcomed += w => interpolator.SetTickRate(w.TickRateHz);
            client.SnapshotReceived += s => interpolator.Add(s, client.EventReceivedAt.TotalMilliseconds);

            await client.ConnectAsync(Host.WebSocketUri);
            var join = client.JoinAsync(ArenaRoomType);
            await GameLoop.RunUntilAsync(
                () => log.Welcomes.Count == 1 && log.Snapshots.Any(s => TryGetEntity(s, log.Welcomes[0].EntityId, out _)),
                "a welcome, then a snapshot holding the player's entity", client);
            var welcome = log.Welcomes[0];
            Assert.Equal(welcome, await join);
            Assert.True(TryGetEntity(log.LastSnapshot!, welcome.EntityId, out var start));
            var dx = start.X < ArenaSize / 2 ? 1f : -1f; // towards the far wall: 500+ units of room
            var pacer = new InputPacer(client);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(dx, 0);
                    return client.LastAckedSeq >= 10;
                },
                "10 inputs acknowledged", client);
            var roundTrip = await client.PingAsync(); // the sample pings every 2 s for its status line
            await GameLoop.RunUntilAsync(
                () => TryGetEntity(log.LastSnapshot!, welcome.EntityId, out var now) && (now.X - start.X) * dx >= 50,
                "the entity moved 50 units in the input's direction", client);
            // What the sample draws: about 100 ms behind the newest snapshot, the entity is between start and now.
            await GameLoop.RunUntilAsync(
                () => interpolator.Sample(client.Clock.TotalMilliseconds, view) > 0 && view.Any(e => e.EntityId == welcome.EntityId && (e.X - start.X) * dx > 0),
                "the interpolated view shows the entity on its way", client);

            Assert.Equal(player, welcome.PlayerId);
            Assert.Equal(ArenaRoomType, welcome.RoomType);
            Assert.StartsWith("arena:", welcome.RoomId);
            Assert.False(welcome.Resumed);
            Assert.True(welcome.ReconnectGraceSeconds > 0);
            Assert.Equal(ConnectionState.InRoom, client.State);
            Assert.Equal(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.InRoom }, log.States.ToArray());
            Assert.True(TryGetEntity(log.LastSnapshot!, welcome.EntityId, out var moved));
            Assert.Equal(200f * dx, moved.Vx); // the arena's maximum speed, immediately
            Assert.Equal(100, moved.Hp);
            Assert.InRange(client.LastAckedSeq, 10u, client.LastSentSeq);
            Assert.True(roundTrip > TimeSpan.Zero && client.LastRoundTrip == roundTrip);
            Assert.InRange(interpolator.RenderLagMs(client.Clock.TotalMilliseconds), 0, 1000);
            Assert.Empty(log.Errors);
            Assert.Equal(0, client.MalformedFrames);
            Assert.Equal(0, log.RaisedOutsideDrain);
            // The sample asks for delta snapshots; the snapshots above were rebuilt from them.
            Assert.Equal(ProtocolVersion.SubProtocolV2, client.SubProtocol);
            Assert.True(client.DeltasReceived > 0, "no snapshot came as a delta");
            Assert.Equal(0, client.KeyframeRequests);
            // Ticks only go forward in a healthy room.
            var ticks = log.Snapshots.Select(s => s.Tick).ToArray();
            Assert.Equal(ticks.OrderBy(t => t).Distinct().ToArray(), ticks);
            Assert.Equal(0, interpolator.Rewinds);
        }

        [Fact]
        public async Task ADroppedConnection_ReconnectsAndResumes_TheSameEntity_WithEveryEventRaisedInADrain()
        {
            await using var proxy = TcpDropProxy.Start(Host.WebSocketUri);
            await using var client = NewClient(Host.NewToken());
            var log = new EventLog(client);
            var pacer = new InputPacer(client);
            await client.ConnectAsync(proxy.WebSocketUri);
            _ = client.JoinAsync(ArenaRoomType);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, 1);
                    return client.LastAckedSeq >= 5;
                },
                "inputs acknowledged before the drop", client);
            var welcome = log.Welcomes.Single();
            var seqBeforeDrop = pacer.LastSeq;

            Assert.Equal(1, proxy.DropAll());
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 2, "the seat resumed on a new connection", client);
            var snapshotsAtResume = log.Snapshots.Count;
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, -1);
                    return pacer.LastSeq > seqBeforeDrop && client.LastAckedSeq >= pacer.LastSeq && log.Snapshots.Count >= snapshotsAtResume + 10;
                },
                "inputs after the resume acknowledged, and 10 more snapshots", client);

            var resumed = log.Welcomes[1];
            Assert.True(resumed.Resumed);
            Assert.Equal(welcome.EntityId, resumed.EntityId);
            Assert.Equal(welcome.RoomId, resumed.RoomId);
            Assert.NotEqual(welcome.ResumeToken, resumed.ResumeToken);
            Assert.All(log.Snapshots.Skip(snapshotsAtResume), s => Assert.True(TryGetEntity(s, welcome.EntityId, out _)));
            Assert.Equal(1, client.Reconnects);
            Assert.Equal(1, client.Resumes);
            Assert.Equal(2, proxy.Accepted);
            // The new connection starts with a full snapshot, so the deltas after it never miss their base.
            Assert.Equal(ProtocolVersion.SubProtocolV2, client.SubProtocol);
            Assert.True(client.DeltasReceived > 0, "no snapshot came as a delta");
            Assert.Equal(0, client.KeyframeRequests);
            Assert.NotEmpty(log.Reconnecting);
            Assert.All(log.Reconnecting, r => Assert.Null(r.CloseCode)); // a reset, not a close frame
            Assert.Equal(
                new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.InRoom, ConnectionState.Reconnecting, ConnectionState.InRoom },
                log.States.ToArray());
            Assert.Empty(log.Errors);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task DeltaSnapshots_AreRebuiltIdenticalToFullOnes_AndTheInterpolatedViewAndOwnAckFollowThem()
        {
            // The sample's client (gameserver.v2, delta snapshots) and, in the same private room, a gameserver.v1 client that
            // gets every snapshot in full: for each tick both received, the rebuilt snapshot must be the full one.
            await using var client = NewClient(Host.NewToken());
            await using var full = NewClient(Host.NewToken(), configure: o => o.DeltaSnapshots = false);
            var log = new EventLog(client);
            var fullLog = new EventLog(full);
            var interpolator = new SnapshotInterpolator();
            var view = new List<ArenaEntity>();
            client.Welcomed += w => interpolator.SetTickRate(w.TickRateHz);
            client.SnapshotReceived += s => interpolator.Add(s, client.EventReceivedAt.TotalMilliseconds);
            await client.ConnectAsync(Host.WebSocketUri);
            await full.ConnectAsync(Host.WebSocketUri);
            var created = client.CreateRoomAsync(ArenaRoomType, true, null);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the private room's welcome", client);
            _ = full.JoinByCodeAsync((await created).RoomCode!);
            await GameLoop.RunUntilAsync(() => fullLog.Welcomes.Count == 1, "the v1 client's welcome", client, full);
            var mine = log.Welcomes[0].EntityId;
            var other = fullLog.Welcomes[0].EntityId;
            await GameLoop.RunUntilAsync(
                () => log.Snapshots.Any(s => TryGetEntity(s, mine, out _) && TryGetEntity(s, other, out _)),
                "a snapshot holding both entities", client, full);
            Assert.True(TryGetEntity(log.Snapshots.Last(s => TryGetEntity(s, mine, out _)), mine, out var start));
            var dx = start.X < ArenaSize / 2 ? 1f : -1f; // towards the far wall: 500+ units of room
            var pacer = new InputPacer(client);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(dx, 0);
                    return client.LastAckedSeq >= 20 && TryGetEntity(log.LastSnapshot!, mine, out var now) && (now.X - start.X) * dx >= 50;
                },
                "20 inputs acknowledged and the entity moved 50 units", client, full);
            await GameLoop.RunUntilAsync(
                () => AckOf(log.LastSnapshot!, mine) >= 20
                    && interpolator.Sample(client.Clock.TotalMilliseconds, view) > 0 && view.Any(e => e.EntityId == mine && (e.X - start.X) * dx > 0),
                "a drained snapshot acking 20 inputs, and the interpolated view showing the entity on its way", client, full);

            Assert.Equal(ProtocolVersion.SubProtocolV2, client.SubProtocol);
            Assert.Equal(ProtocolVersion.SubProtocol, full.SubProtocol);
            Assert.True(client.DeltasReceived > 0, "no snapshot came as a delta");
            Assert.Equal(0, client.KeyframeRequests);
            Assert.Equal(0, full.DeltasReceived);
            Assert.Equal(0, client.MalformedFrames);
            Assert.Equal(0, full.MalformedFrames);

            // Rebuilt = full: the same acks in the same order and byte-identical game state, tick by tick.
            var fullByTick = fullLog.Snapshots.GroupBy(s => s.Tick).ToDictionary(g => g.Key, g => g.Last());
            var compared = 0;
            foreach (var rebuilt in log.Snapshots)
            {
                if (fullByTick.TryGetValue(rebuilt.Tick, out var sent))
                {
                    Assert.Equal(sent.Acks.ToArray(), rebuilt.Acks.ToArray());
                    Assert.Equal(sent.GameState.ToArray(), rebuilt.GameState.ToArray());
                    Assert.Equal(sent.ServerTimeMs, rebuilt.ServerTimeMs);
                    compared++;
                }
            }
            Assert.True(compared >= 10, compared + " ticks seen by both clients");

            // The player's own ack, as the rebuilt snapshots carry it, only goes up (the client may have read newer ones
            // that are still queued for the next drain).
            var acks = log.Snapshots.Select(s => AckOf(s, mine)).Where(a => a.HasValue).Select(a => a!.Value).ToArray();
            Assert.Equal(acks.OrderBy(a => a).ToArray(), acks);
            Assert.True(acks[0] < acks[^1], "own ack " + acks[0] + " to " + acks[^1]);
            Assert.InRange(acks[^1], 20u, client.LastAckedSeq);

            // What the sample draws: every entity inside the arena; the moving one between its start and the newest
            // snapshot; the still one exactly where the v1 client's own full snapshots put it.
            Assert.True(TryGetEntity(log.LastSnapshot!, mine, out var newest));
            Assert.True(TryGetEntity(fullLog.LastSnapshot!, other, out var still));
            Assert.All(view, e => Assert.True(e.X >= 0 && e.X <= ArenaSize && e.Y >= 0 && e.Y <= ArenaSize, e.ToString()));
            var drawn = view.Single(e => e.EntityId == mine);
            Assert.InRange((drawn.X - start.X) * dx, 0.001f, (newest.X - start.X) * dx);
            var drawnOther = view.Single(e => e.EntityId == other);
            Assert.Equal((still.X, still.Y), (drawnOther.X, drawnOther.Y));
            Assert.InRange(interpolator.RenderLagMs(client.Clock.TotalMilliseconds), 0, 1000);
            Assert.Equal(0, interpolator.Rewinds);
            Assert.Empty(log.Errors);
            Assert.Empty(fullLog.Errors);
            Assert.Equal(0, log.RaisedOutsideDrain);
            Assert.Equal(0, fullLog.RaisedOutsideDrain);
        }

        [Fact]
        public async Task Leave_IsAnsweredWithLeft_TheConnectionStaysOpen_AndAJoinGetsAFreshSeatCountingFrom1()
        {
            await using var client = NewClient(Host.NewToken());
            var log = new EventLog(client);
            await client.ConnectAsync(Host.WebSocketUri);
            _ = client.JoinAsync(ArenaRoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the welcome", client);
            await client.SendInputAsync(new ArenaInput(1, 0).ToPayload());

            var leave = client.LeaveAsync();
            await GameLoop.RunUntilAsync(() => log.Lefts.Count == 1, "left", client);
            await leave;
            Assert.Equal(ConnectionState.Connected, client.State);
            Assert.Null(client.Room);
            _ = client.JoinAsync(ArenaRoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 2 && client.State == ConnectionState.InRoom, "a second welcome", client);

            Assert.Equal("left", log.Lefts[0].Reason);
            Assert.Equal(log.Welcomes[0].RoomId, log.Lefts[0].RoomId);
            Assert.False(log.Welcomes[1].Resumed);
            Assert.NotEqual(log.Welcomes[0].EntityId, log.Welcomes[1].EntityId);
            Assert.Equal(1u, await client.SendInputAsync(new ArenaInput(1, 0).ToPayload())); // a new seat counts from 1
            Assert.Empty(log.Errors);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task CreatePrivateRoom_ShowsACode_AFriendJoinsByIt_AndEachSeesTheOther_WithEveryEventRaisedInADrain()
        {
            // The sample's Room Entry choices: one player opens a private room (ffa), a friend types its code.
            await using var creator = NewClient(Host.NewToken());
            await using var friend = NewClient(Host.NewToken());
            var creatorLog = new EventLog(creator);
            var friendLog = new EventLog(friend);
            await creator.ConnectAsync(Host.WebSocketUri);
            await friend.ConnectAsync(Host.WebSocketUri);

            var created = creator.CreateRoomAsync(ArenaRoomType, true, new Dictionary<string, string> { ["mode"] = "ffa" });
            await GameLoop.RunUntilAsync(() => creatorLog.Welcomes.Count == 1, "the private room's welcome", creator);
            var code = (await created).RoomCode;
            Assert.NotNull(code);
            var joined = friend.JoinByCodeAsync(code!);
            await GameLoop.RunUntilAsync(() => friendLog.Welcomes.Count == 1, "the friend's welcome", friend);
            var creatorEntity = creatorLog.Welcomes[0].EntityId;
            var friendEntity = friendLog.Welcomes[0].EntityId;
            await GameLoop.RunUntilAsync(
                () => creatorLog.Snapshots.Any(s => TryGetEntity(s, friendEntity, out _)) && friendLog.Snapshots.Any(s => TryGetEntity(s, creatorEntity, out _)),
                "each sees the other's entity", creator, friend);

            Assert.Equal(code, creator.RoomCode);
            Assert.Equal(creatorLog.Welcomes[0].RoomId, (await joined).RoomId);
            Assert.Equal(code, friend.RoomCode);
            Assert.Empty(creatorLog.Errors);
            Assert.Empty(friendLog.Errors);
            Assert.Equal(0, creatorLog.RaisedOutsideDrain);
            Assert.Equal(0, friendLog.RaisedOutsideDrain);
        }

        /// <summary>A client set up as the sample's <c>ArenaClient.Connect</c> sets it up: with its <see cref="ArenaClientOptions"/>.</summary>
        private static GameClient NewClient(string token, bool tokenInQuery = false, Action<GameClientOptions>? configure = null)
        {
            var options = ArenaClientOptions.Create(token, tokenInQuery);
            configure?.Invoke(options);
            return new GameClient(options);
        }

        /// <summary>The ack of <paramref name="entityId"/> in <paramref name="snapshot"/>, or null when it has none.</summary>
        private static uint? AckOf(Snapshot snapshot, int entityId)
        {
            var acks = snapshot.Acks.Span;
            for (var i = 0; i + 1 < acks.Length; i += 2)
            {
                if (acks[i] == (uint)entityId)
                {
                    return acks[i + 1];
                }
            }
            return null;
        }

        private static bool TryGetEntity(Snapshot snapshot, int entityId, out ArenaEntity entity)
        {
            foreach (var e in ArenaState.Read(snapshot.GameState))
            {
                if (e.EntityId == entityId)
                {
                    entity = e;
                    return true;
                }
            }
            entity = default;
            return false;
        }

        private async Task<string> DevTokenAsync(string player)
        {
            using var http = new HttpClient { BaseAddress = Host.HttpUri };
            var json = await http.GetStringAsync("/auth/dev-token?player=" + Uri.EscapeDataString(player));
            using var document = JsonDocument.Parse(json);
            Assert.Equal(player, document.RootElement.GetProperty("playerId").GetString());
            return document.RootElement.GetProperty("token").GetString()!;
        }
    }
}

using System.Buffers;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using GameServer.Protocol;
using MessagePack;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The plug-in surface beyond the arena over real sockets, played with the second sample game (tag): each team is a
/// view and receives only its own view's bytes, events arrive once and in order right after their tick's snapshot, a
/// refused join gets the game's reason, and a kicked player the documented close.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class TagGameSocketTests(HostFixture host)
{
    [Fact]
    public async Task EachTeam_ReceivesOnlyItsViewsBytes_AndNeverAnEnemyOutOfSight()
    {
        await using var red = await TagSocketAsync();
        await using var blue = await TagSocketAsync();
        var (code, redWelcome) = await CreateAsync(red, "red");
        var blueWelcome = Assert.IsType<Welcome>(await blue.AskAsync(new JoinByCode(code, TeamOptions("blue"))));
        Assert.Equal(("red", 1), (redWelcome.Role, redWelcome.View));
        Assert.Equal(("blue", 2), (blueWelcome.Role, blueWelcome.View));

        // Neither moves: red spawns in the left quarter, blue in the right one, further apart than the sight radius.
        var redFrames = await SnapshotFramesAsync(red, count: 40);
        var blueFrames = await SnapshotFramesAsync(blue, count: 40);

        foreach (var (tick, bytes) in redFrames)
        {
            var entities = TagState.Read(Snapshot(bytes).GameState);
            Assert.Contains(entities, e => e.Id == redWelcome.EntityId && e.Team == 1);
            Assert.DoesNotContain(entities, e => e.Id == blueWelcome.EntityId);
            if (blueFrames.TryGetValue(tick, out var blueBytes))
            {
                // Same tick, other view: other bytes, and blue's own entry (id, team, x, y) is nowhere in red's frame.
                Assert.NotEqual(Convert.ToHexString(blueBytes), Convert.ToHexString(bytes));
                var blueEntry = TagState.Read(Snapshot(blueBytes).GameState).Single(e => e.Id == blueWelcome.EntityId);
                Assert.False(Contains(bytes, TagState.Entry(blueEntry)), $"tick {tick}: red's frame holds blue's entity entry");
            }
        }
        foreach (var (_, bytes) in blueFrames)
        {
            Assert.DoesNotContain(TagState.Read(Snapshot(bytes).GameState), e => e.Id == redWelcome.EntityId);
        }
    }

    [Fact]
    public async Task Events_ArriveOnce_InOrder_AfterTheSnapshotOfTheirTick_AndPrivateOnesOnlyToTheirPlayer()
    {
        await using var red = await TagSocketAsync();
        await using var blue = await TagSocketAsync();
        var (code, redWelcome) = await CreateAsync(red, "red");
        await SetTunablesAsync(redWelcome.RoomId, new { swapSeconds = 1 });
        var blueWelcome = Assert.IsType<Welcome>(await blue.AskAsync(new JoinByCode(code, TeamOptions("blue"))));

        var redEvents = await EventsAsync(red, until: events => events.Count(e => GameEventKind.Of(e) == "swap") >= 3);
        var blueEvents = await EventsAsync(blue, until: events => events.Count(e => GameEventKind.Of(e) == "swap") >= 3);

        // Each player's own welcome, and nobody else's.
        Assert.Single(redEvents, e => GameEventKind.Of(e) == "welcome");
        Assert.Single(blueEvents, e => GameEventKind.Of(e) == "welcome");
        // The same room-wide swaps reach both, with the same numbers, over the span both were reading.
        var redSwaps = redEvents.Where(e => GameEventKind.Of(e) == "swap").Select(e => e.Seq).ToArray();
        var blueSwaps = blueEvents.Where(e => GameEventKind.Of(e) == "swap").Select(e => e.Seq).ToArray();
        var (from, to) = (Math.Max(redSwaps[0], blueSwaps[0]), Math.Min(redSwaps[^1], blueSwaps[^1]));
        var shared = redSwaps.Where(seq => seq >= from && seq <= to).ToArray();
        Assert.NotEmpty(shared);
        Assert.Equal(shared, blueSwaps.Where(seq => seq >= from && seq <= to));
        Assert.NotEqual(redWelcome.EntityId, blueWelcome.EntityId);
    }

    [Theory]
    [InlineData("green", "Unknown team 'green': pick red or blue.")]
    public async Task AJoinTheGameRefuses_GetsJoinRefused_WithTheGamesReason(string team, string reason)
    {
        await using var socket = await TagSocketAsync();
        var error = Assert.IsType<Error>(await socket.AskAsync(new Join("tag", Options: TeamOptions(team))));
        Assert.Equal(ErrorCode.JoinRefused, error.Code);
        Assert.Equal(reason, error.Message);
        // The connection stays usable: a join the game accepts seats the player.
        var welcome = Assert.IsType<Welcome>(await socket.AskAsync(new Join("tag", Options: TeamOptions("blue"))));
        Assert.Equal("blue", welcome.Role);
    }

    [Fact]
    public async Task OversizedJoinOptions_AreRefusedByTheEdge_NamingTheField()
    {
        await using var socket = await TagSocketAsync();
        var big = MessagePackSerializer.Serialize(new string('x', JoinOptions.MaxBytes));
        var error = Assert.IsType<Error>(await socket.AskAsync(new Join("tag", Options: big)));
        Assert.Equal(ErrorCode.InvalidJoin, error.Code);
        Assert.Contains("options (field 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlayerTheGameKicks_IsClosedWith4005AndTheGamesReason_AndTheOtherPlayerStays()
    {
        await using var idle = await TagSocketAsync();
        await using var other = await TagSocketAsync();
        var (code, welcome) = await CreateAsync(idle, "red");
        Assert.IsType<Welcome>(await other.AskAsync(new JoinByCode(code, TeamOptions("blue"))));
        using var bound = new CancellationTokenSource(Wait.Timeout);
        // The other player is busy before the limit drops to a second, so only the idle one is over it.
        var movingOther = KeepMovingAsync(other, bound.Token);
        await SetTunablesAsync(welcome.RoomId, new { idleKickSeconds = 1 });
        var closed = await Record.ExceptionAsync(async () =>
        {
            while (true)
            {
                await idle.ReceiveAsync().WaitAsync(bound.Token);
            }
        });
        Assert.IsType<InvalidOperationException>(closed);
        Assert.Equal(CloseCode.Kicked, (int?)idle.CloseStatus);
        Assert.Equal("Idle for 1 s.", idle.CloseReason);
        await bound.CancelAsync();
        Assert.True(await movingOther, "the other player was still getting snapshots after the kick");
    }

    [Fact]
    public async Task WhenATeamReachesTheWinningScore_TheGameEndsTheRoom_AndEveryPlayerGetsLeftWithTheResult()
    {
        await using var red = await TagSocketAsync();
        await using var blue = await TagSocketAsync();
        var (code, redWelcome) = await CreateAsync(red, "red");
        await SetTunablesAsync(redWelcome.RoomId, new { winScore = 1 });
        var blueWelcome = Assert.IsType<Welcome>(await blue.AskAsync(new JoinByCode(code, TeamOptions("blue"))));

        // Red hunts first: both head for the middle, then for each other once in sight, until red tags blue.
        var endings = await Task.WhenAll(ChaseUntilLeftAsync(red, redWelcome.EntityId), ChaseUntilLeftAsync(blue, blueWelcome.EntityId));

        foreach (var (left, events) in endings)
        {
            Assert.Equal(("room-ended", "Red wins 1–0."), (left.Reason, left.Message));
            Assert.Contains(events, e => GameEventKind.Of(e) == "tag");
            Assert.Equal("over", GameEventKind.Of(events[^1]));
        }
    }

    /// <summary>Steers the player towards the nearest visible enemy (or the middle) until the room ends; its Left and events.</summary>
    private static async Task<(Left Left, List<GameEvent> Events)> ChaseUntilLeftAsync(RoomSocket socket, int self)
    {
        var events = new List<GameEvent>();
        var seq = 0u;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            switch (await socket.ReceiveAsync().WaitAsync(bound.Token))
            {
                case Snapshot snapshot:
                    var entities = TagState.Read(snapshot.GameState);
                    var me = entities.Single(e => e.Id == self);
                    var (tx, ty) = entities.Where(e => e.Team != me.Team).Select(e => ((double)e.X, (double)e.Y)).DefaultIfEmpty((200, 200)).First();
                    var (dx, dy) = (tx - me.X, ty - me.Y);
                    var length = Math.Max(1, Math.Sqrt((dx * dx) + (dy * dy)));
                    await socket.SendAsync(new Input(++seq, snapshot.Tick, MessagePackSerializer.Serialize(new[] { (float)(dx / length), (float)(dy / length) })));
                    break;
                case Events batch:
                    events.AddRange(batch.Items);
                    break;
                case Left left:
                    return (left, events);
            }
        }
    }

    private async Task<RoomSocket> TagSocketAsync()
    {
        var socket = await RoomSocket.ConnectAsync(host.WebSocketUri, host.Host.NewToken());
        socket.EntitiesOf = state => TagState.Read(state).Select(e => e.Id).ToArray();
        return socket;
    }

    private static async Task<(string Code, Welcome Welcome)> CreateAsync(RoomSocket socket, string team)
    {
        var welcome = Assert.IsType<Welcome>(await socket.AskAsync(new Create("tag", Private: true, Options: TeamOptions(team))));
        return (welcome.RoomCode!, welcome);
    }

    private static byte[] TeamOptions(string team)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(1);
        writer.Write("team");
        writer.Write(team);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static Snapshot Snapshot(byte[] frame) => (Snapshot)MessageCodec.DecodeServer(frame);

    /// <summary>Reads until <paramref name="count"/> snapshots arrived, keeping each one's exact bytes by tick.</summary>
    private static async Task<Dictionary<long, byte[]>> SnapshotFramesAsync(RoomSocket socket, int count)
    {
        var frames = new Dictionary<long, byte[]>();
        using var bound = new CancellationTokenSource(Wait.Timeout);
        while (frames.Count < count)
        {
            if (await socket.ReceiveAsync().WaitAsync(bound.Token) is Snapshot snapshot)
            {
                frames[snapshot.Tick] = socket.LastFrame;
            }
        }
        return frames;
    }

    /// <summary>
    /// Reads frames until <paramref name="until"/> holds for the events so far, checking on the way that every Events
    /// frame follows the snapshot of its tick and that event numbers only grow.
    /// </summary>
    private static async Task<List<GameEvent>> EventsAsync(RoomSocket socket, Func<List<GameEvent>, bool> until)
    {
        var events = new List<GameEvent>();
        long? lastSnapshotTick = null;
        using var bound = new CancellationTokenSource(Wait.Timeout);
        while (!until(events))
        {
            switch (await socket.ReceiveAsync().WaitAsync(bound.Token))
            {
                case Snapshot snapshot:
                    lastSnapshotTick = snapshot.Tick;
                    break;
                case Events batch:
                    // Right after their snapshot, or after a newer one when theirs was replaced on the way (a slow
                    // reader, or a player seated just before a snapshot), never before it.
                    Assert.InRange(batch.Tick, 1, lastSnapshotTick ?? 0);
                    foreach (var e in batch.Items)
                    {
                        Assert.True(events.Count == 0 || e.Seq > events[^1].Seq, $"event {e.Seq} after {events.LastOrDefault().Seq}");
                        Assert.InRange(e.Tick, 1, batch.Tick);
                        events.Add(e);
                    }
                    break;
            }
        }
        return events;
    }

    /// <summary>Sends inputs every 50 ms until cancelled; true when snapshots kept arriving all along.</summary>
    private static async Task<bool> KeepMovingAsync(RoomSocket socket, CancellationToken stop)
    {
        var seq = 0u;
        var snapshots = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await socket.SendAsync(new Input(++seq, 0, MessagePackSerializer.Serialize(new[] { 1, 0 })));
                if (await socket.ReceiveAsync().WaitAsync(stop) is Snapshot)
                {
                    snapshots++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the test is done with this player
        }
        return snapshots > 10;
    }

    private async Task SetTunablesAsync(string roomId, object tunables)
    {
        using var admin = new HttpClient { BaseAddress = host.HttpUri, Timeout = Wait.Timeout };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            host.Host.Tokens.Issue("designer", TimeSpan.FromMinutes(5), [Auth.GameClaims.AdminRole]));
        using var response = await admin.PutAsJsonAsync($"/admin/api/rooms/{roomId}", new { tunables });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>The tag game's state for one view: <c>[hunting, scoreRed, scoreBlue, [id, team, x, y, …]]</c> (docs/protocol.md §6a).</summary>
    private static class TagState
    {
        public static List<(int Id, int Team, int X, int Y)> Read(ReadOnlyMemory<byte> state)
        {
            var reader = new MessagePackReader(state);
            var fields = reader.ReadArrayHeader();
            Assert.True(fields >= 4, $"a tag state has 4 fields, got {fields}");
            reader.ReadInt32();
            reader.ReadInt32();
            reader.ReadInt32();
            var flat = reader.ReadArrayHeader();
            var entities = new List<(int, int, int, int)>();
            for (var i = 0; i + 3 < flat; i += 4)
            {
                entities.Add((reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32()));
            }
            return entities;
        }

        /// <summary>An entity's four values as MessagePack writes them in the state.</summary>
        public static byte[] Entry((int Id, int Team, int X, int Y) e)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            writer.Write(e.Id);
            writer.Write(e.Team);
            writer.Write(e.X);
            writer.Write(e.Y);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
    }
}

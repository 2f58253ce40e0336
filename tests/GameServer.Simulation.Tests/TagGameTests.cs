using System.Buffers;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Tag;
using MessagePack;

namespace GameServer.Simulation.Tests;

public class TagGameTests
{
    private const int Red = 1;
    private const int Blue = 2;

    private static readonly RoomSettings Settings = new TagGame().DefaultSettings; // 20 Hz, snapshot every tick, 8 players

    // ---- Join options ----

    [Theory]
    [InlineData("red", Red)]
    [InlineData("blue", Blue)]
    public void Join_WithTeamOption_AdmitsIntoThatTeamsViewWithItsRole(string team, int view)
    {
        var (runtime, room) = Create();

        var outcome = runtime.Join("p1", TeamOption(team));

        Assert.Equal(JoinOutcomeStatus.Joined, outcome.Status);
        Assert.Equal(view, outcome.View);
        Assert.Equal(team, outcome.Role);
        Assert.Equal(view, runtime.ViewOf(outcome.EntityId));
        Assert.Equal(view, room.Players.Single().Team);
    }

    [Fact]
    public void Join_WithoutTeam_PutsEachPlayerOnTheSmallerTeamRedOnTies()
    {
        var (runtime, _) = Create();
        var noTeam = Map("name", "ann");

        var teams = new List<string?>
        {
            runtime.Join("a", default).Role,                // 0–0: red
            runtime.Join("b", noTeam).Role,                 // 1–0: blue
            runtime.Join("c", TeamOption("red")).Role,      // chosen: red, 2–1
            runtime.Join("d", default).Role,                // 2–1: blue
            runtime.Join("e", noTeam).Role,                 // 2–2: red
        };

        Assert.Equal(new[] { "red", "blue", "red", "blue", "red" }, teams);
    }

    public static TheoryData<string, byte[]> RefusedOptions => new()
    {
        { "Unknown team 'green': pick red or blue.", TeamOption("green") },
        { "Unknown team 'Red': pick red or blue.", TeamOption("Red") },
        { "Join options must be a map like {\"team\": \"red\"}.", MessagePackSerializer.Serialize(new[] { "team", "red" }) },
        { "Join options must be a map like {\"team\": \"red\"}.", MessagePackSerializer.Serialize("red") },
        { "Join options must be a map like {\"team\": \"red\"}.", Map("team", 1) },
        { "Join options must be a map like {\"team\": \"red\"}.", Map("team", null) },
        // A map that promises an entry and ends: malformed bytes are refused, never thrown.
        { "Join options must be a map like {\"team\": \"red\"}.", [0x81, 0xa4, (byte)'t', (byte)'e'] },
    };

    [Theory]
    [MemberData(nameof(RefusedOptions))]
    public void Join_WithBadOptions_IsRefusedWithItsReasonAndAdmitsNobody(string reason, byte[] options)
    {
        var (runtime, room) = Create();

        var outcome = runtime.Join("p1", options);

        Assert.Equal(JoinOutcomeStatus.Refused, outcome.Status);
        Assert.Equal(reason, outcome.Reason);
        Assert.Equal(0, runtime.PlayerCount);
        Assert.Empty(room.Players);
        // A refused request does not hold a seat: the next player still gets the first team and entity id.
        var next = runtime.Join("p2", default);
        Assert.Equal(("red", 1), (next.Role, next.EntityId));
    }

    [Fact]
    public void Join_WhenTeamHasHalfTheSeats_IsRefusedAsFullWhileTheOtherTeamStillAdmits()
    {
        var (runtime, _) = Create();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(JoinOutcomeStatus.Joined, runtime.Join($"r{i}", TeamOption("red")).Status);
        }

        var fifthRed = runtime.Join("r4", TeamOption("red"));
        var blue = runtime.Join("b0", TeamOption("blue"));

        Assert.Equal((JoinOutcomeStatus.Refused, "Team red is full."), (fifthRed.Status, fifthRed.Reason));
        Assert.Equal(JoinOutcomeStatus.Joined, blue.Status);
    }

    [Fact]
    public void Join_AfterMaxPlayersIsLowered_ComputesTeamSizeFromTheNewSettings()
    {
        var (runtime, _) = Create();
        runtime.Join("r0", TeamOption("blue"));
        runtime.Join("r1", TeamOption("blue"));

        runtime.ApplySettings(Settings with { MaxPlayers = 4 }, new Dictionary<string, double>());
        var third = runtime.Join("r2", TeamOption("blue"));

        Assert.Equal((JoinOutcomeStatus.Refused, "Team blue is full."), (third.Status, third.Reason));
    }

    // ---- Views ----

    [Fact]
    public void WriteSnapshots_WritesOneStatePerTeamWithItsOwnPlayersAndOnlyTheEnemiesInSight()
    {
        var (runtime, room) = Create();
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blueNear = runtime.Join("b1", TeamOption("blue")).EntityId;
        var blueFar = runtime.Join("b2", TeamOption("blue")).EntityId;
        Place(room, red, 10, 20);
        Place(room, blueNear, 21, 20); // 11 units: in sight
        Place(room, blueFar, 35, 5);   // ~29 units: hidden

        var snapshot = runtime.WriteSnapshots(0);

        Assert.Equal(new[] { Red, Blue }, snapshot.Views.Select(v => v.View));
        var redView = ReadState(snapshot.Views[0].Keyframe);
        var blueView = ReadState(snapshot.Views[1].Keyframe);
        Assert.Equal((Red, 0, 0), (redView.Hunting, redView.ScoreRed, redView.ScoreBlue));
        Assert.Equal(new[] { (red, Red, 100, 200), (blueNear, Blue, 210, 200) }, redView.Entities);
        Assert.Equal(new[] { (red, Red, 100, 200), (blueNear, Blue, 210, 200), (blueFar, Blue, 350, 50) }, blueView.Entities);
    }

    [Fact]
    public void WriteSnapshots_WhilePlayersRoam_NeverShowsATeamAnEnemyOutOfItsSight()
    {
        var (runtime, room) = Create(seed: 3, tunables: new() { ["winScore"] = 1000 });
        for (var i = 0; i < 8; i++)
        {
            runtime.Join($"p{i}", default);
        }
        var script = new Random(11);
        var hiddenSeen = 0;

        for (var tick = 1; tick <= 400; tick++)
        {
            Drive(runtime, room, script, tick);
            runtime.Step();
            var snapshot = runtime.WriteSnapshots(0);
            foreach (var view in snapshot.Views)
            {
                var visible = ReadState(view.Keyframe).Entities.Select(e => e.Id).ToHashSet();
                foreach (var player in room.Players)
                {
                    var shouldSee = player.Team == view.View || room.Players.Any(own =>
                        own.Team == view.View && DistanceSquared(own, player) <= 12f * 12f);
                    Assert.True(shouldSee == visible.Contains(player.EntityId),
                        $"Tick {tick}: view {view.View} {(shouldSee ? "misses" : "shows")} entity {player.EntityId} of team {player.Team}.");
                    hiddenSeen += shouldSee ? 0 : 1;
                }
            }
        }

        Assert.True(hiddenSeen > 100, $"The script should keep enemies out of sight often; only {hiddenSeen} times.");
    }

    [Fact]
    public void WriteState_ForASpectatorWritesEveryEntityInIdOrder()
    {
        var (runtime, room) = Create();
        runtime.Join("r", TeamOption("red"));
        runtime.Join("b", TeamOption("blue"));
        Place(room, 1, 0, 0);
        Place(room, 2, 40, 40);

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        room.WriteState(ref writer);
        writer.Flush();

        Assert.Equal("[1,0,0,[1,1,0,0,2,2,400,400]]", MessagePackSerializer.ConvertToJson(buffer.WrittenMemory));
    }

    // ---- Events ----

    [Fact]
    public void OnJoin_WelcomesOnlyTheJoiningPlayerInTheirOwnEventsFrame()
    {
        var (runtime, _) = Create();
        var red = runtime.Join("r", default).EntityId;
        var first = runtime.WriteSnapshots(0);
        var blue = runtime.Join("b", default).EntityId;
        var second = runtime.WriteSnapshots(0);

        Assert.All(first.Views.Concat(second.Views), v => Assert.Null(v.Events));
        var redWelcome = Assert.Single(first.PlayerEvents!);
        Assert.Equal(red, redWelcome.EntityId);
        Assert.Equal(new[] { "[\"welcome\",\"You are on team red; red hunts first.\"]" }, EventJson(redWelcome.Events));
        var blueWelcome = Assert.Single(second.PlayerEvents!);
        Assert.Equal(blue, blueWelcome.EntityId);
        Assert.Equal(new[] { "[\"welcome\",\"You are on team blue; red hunts first.\"]" }, EventJson(blueWelcome.Events));
    }

    [Fact]
    public void Step_WhenAnEnemyComesIntoSight_TellsOnlyTheTeamThatSeesItOnce()
    {
        var (runtime, room) = Create();
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blue = runtime.Join("b", TeamOption("blue")).EntityId;
        var blue2 = runtime.Join("b2", TeamOption("blue")).EntityId;
        Place(room, red, 5, 20);
        Place(room, blue, 35, 20);
        Place(room, blue2, 35, 38);
        runtime.Step();
        var apart = runtime.WriteSnapshots(0);

        Place(room, blue, 15, 20); // 10 units from red: both teams now see each other's player
        runtime.Step();
        var near = runtime.WriteSnapshots(0);
        runtime.Step();
        var still = runtime.WriteSnapshots(0);

        Assert.All(apart.Views, v => Assert.Null(v.Events));
        Assert.Equal(new[] { $"[\"spotted\",{blue}]" }, EventJson(near.Views.Single(v => v.View == Red).Events!));
        Assert.Equal(new[] { $"[\"spotted\",{red}]" }, EventJson(near.Views.Single(v => v.View == Blue).Events!));
        Assert.All(still.Views, v => Assert.Null(v.Events));
    }

    [Fact]
    public void Step_WhenAHunterReachesAPrey_ScoresTellsEveryoneAndRespawnsThePreyOnItsSide()
    {
        var (runtime, room) = Create();
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blue = runtime.Join("b", TeamOption("blue")).EntityId;
        Place(room, red, 10, 20);
        Place(room, blue, 11.4f, 20); // 1.4 units: in reach; respawned on the right, blue is out of red's sight

        runtime.Step();
        var snapshot = runtime.WriteSnapshots(0);

        Assert.Equal((1, 0), (room.ScoreRed, room.ScoreBlue));
        Assert.All(snapshot.Views, v => Assert.Equal(new[] { $"[\"tag\",{red},{blue},1]" }, EventJson(v.Events!)));
        Assert.InRange(room.Players.Single(p => p.EntityId == blue).X, 30f, 40f);
        Assert.Equal("1-0", runtime.Metadata!["score"]);
        Assert.Equal("playing", runtime.Metadata["phase"]);
    }

    [Fact]
    public void Step_WhenPreyIsJustOutOfReachOrHunting_DoesNotTag()
    {
        var (runtime, room) = Create();
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blue = runtime.Join("b", TeamOption("blue")).EntityId;
        var red2 = runtime.Join("r2", TeamOption("red")).EntityId;
        Place(room, red, 20, 20);
        Place(room, blue, 21.6f, 20);
        Place(room, red2, 20, 21); // teammates never tag each other

        runtime.Step();

        Assert.Equal((0, 0), (room.ScoreRed, room.ScoreBlue));
        Assert.Equal((21.6f, 20f), (room.Players.Single(p => p.EntityId == blue).X, room.Players.Single(p => p.EntityId == blue).Y));
    }

    [Fact]
    public void Step_EverySwapSeconds_SwapsTheHuntersAndTellsEveryone()
    {
        var (runtime, room) = Create();
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blue = runtime.Join("b", TeamOption("blue")).EntityId;
        StepFor(runtime, 599);
        Assert.Equal(Red, room.Hunting);
        runtime.WriteSnapshots(0);

        runtime.Step(); // 600 steps of 50 ms: 30 s
        var swapped = runtime.WriteSnapshots(0);
        Place(room, red, 20, 20);
        Place(room, blue, 21, 20);
        runtime.Step();
        runtime.WriteSnapshots(0);

        Assert.Equal(Blue, room.Hunting);
        Assert.All(swapped.Views, v => Assert.Equal(new[] { "[\"swap\",2]" }, EventJson(v.Events!)));
        Assert.Equal(Blue, ReadState(swapped.Views[0].Keyframe).Hunting);
        Assert.Equal((0, 1), (room.ScoreRed, room.ScoreBlue)); // now blue tags red
        Assert.Equal("[\"welcome\",\"You are on team red; blue hunts now.\"]",
            EventJson(AfterJoin(runtime, "late", "red")).Single());
    }

    [Fact]
    public void Step_WhenATeamReachesWinScore_AnnouncesTheWinnerAndClosesTheRoom()
    {
        // No sight: respawns near the enemy would add "spotted" events to one view only.
        var (runtime, room) = Create(tunables: new() { ["winScore"] = 2, ["swapSeconds"] = 1, ["sightRadius"] = 0 });
        var red = runtime.Join("r", TeamOption("red")).EntityId;
        var blue = runtime.Join("b", TeamOption("blue")).EntityId;
        Place(room, red, 20, 20);
        Place(room, blue, 21, 20);
        runtime.Step(); // red tags: 1–0
        StepFor(runtime, 19); // 1 s: blue hunts
        Assert.Equal(Blue, room.Hunting);
        runtime.WriteSnapshots(0);
        Place(room, red, 20, 20);
        Place(room, blue, 21, 20);
        runtime.Step(); // blue tags: 1–1
        Assert.Null(runtime.CloseReason);
        Place(room, red, 20, 20);
        Place(room, blue, 21, 20);

        runtime.Step(); // blue tags: 1–2, blue wins
        var last = runtime.WriteSnapshots(0);

        Assert.Equal("Blue wins 2–1.", runtime.CloseReason);
        var events = EventJson(last.Views[0].Events!);
        Assert.Equal(new[] { $"[\"tag\",{blue},{red},2]", $"[\"tag\",{blue},{red},2]", "[\"over\",2,1,2]" }, events);
        Assert.Equal(events, EventJson(last.Views[1].Events!));
    }

    // ---- Kicks and input ----

    [Fact]
    public void Step_WhenAPlayerSendsNoAcceptedInputForIdleKickSeconds_KicksThemOnce()
    {
        var (runtime, _) = Create();
        var active = runtime.Join("a", default).EntityId;
        var silent = runtime.Join("s", default).EntityId;
        var invalid = runtime.Join("i", default).EntityId; // sends out-of-range input, which does not count
        var move = new ArenaInput(0.1f, 0f).ToPayload();
        var outOfRange = new ArenaInput(2f, 0f).ToPayload();
        var kicks = new List<(int EntityId, string Reason)>();

        for (var tick = 1; tick <= 1199; tick++)
        {
            runtime.Enqueue(active, (uint)tick, move);
            runtime.Enqueue(invalid, (uint)tick, outOfRange);
            runtime.Step();
            kicks.AddRange(runtime.TakeKicks());
        }
        Assert.Empty(kicks);

        runtime.Enqueue(active, 1200, move);
        runtime.Enqueue(invalid, 1200, outOfRange);
        runtime.Step(); // 60 s since the join
        var atSixty = runtime.TakeKicks();
        runtime.Step();

        Assert.Equal(new[] { (silent, "Idle for 60 s."), (invalid, "Idle for 60 s.") }, atSixty);
        Assert.Empty(runtime.TakeKicks());
        Assert.Equal(1200, runtime.InputsRejected);
    }

    [Theory]
    [InlineData(1f, -1f, true)]
    [InlineData(0, 0.5f, true)]
    [InlineData(1.01f, 0f, false)]
    [InlineData(0f, -1.5f, false)]
    [InlineData(float.NaN, 0f, false)]
    public void Input_OutsideMinusOneToOne_IsRejected(float dx, float dy, bool accepted)
    {
        var (runtime, _) = Create();
        var player = runtime.Join("p", default).EntityId;

        runtime.Enqueue(player, 1, new ArenaInput(dx, dy).ToPayload());
        runtime.Step();

        Assert.Equal(accepted ? (1L, 0L) : (0L, 1L), (runtime.InputsApplied, runtime.InputsRejected));
    }

    [Fact]
    public void Input_MovesAtSpeedAndStopsAtTheEdge()
    {
        var (runtime, room) = Create();
        var player = runtime.Join("p", TeamOption("red")).EntityId;
        Place(room, player, 10, 39.8f);

        runtime.Enqueue(player, 1, new ArenaInput(1f, 1f).ToPayload());
        runtime.Step();

        var moved = room.Players.Single();
        Assert.Equal(10.4f, moved.X, 4); // 8 units/s × 50 ms
        Assert.Equal(40f, moved.Y);
    }

    // ---- Save and restore ----

    [Fact]
    public void RestoreState_ContinuesWithTheSameSnapshotsAndEventsAsTheOriginal()
    {
        var tunables = new Dictionary<string, double> { ["swapSeconds"] = 3, ["winScore"] = 1000, ["idleKickSeconds"] = 9 };
        var (original, originalRoom) = Create(seed: 21, tunables: tunables);
        for (var i = 0; i < 7; i++)
        {
            original.Join($"p{i}", default);
        }
        var script = new Random(5);
        for (var tick = 1; tick <= 150; tick++)
        {
            Drive(original, originalRoom, script, tick);
            original.Step();
            original.WriteSnapshots(0);
        }
        Drive(original, originalRoom, script, 151);
        original.Step();
        var checkpoint = original.SaveCheckpoint(); // events of tick 151 still pending

        // Another seed: whatever the restored room draws must come from the saved random state.
        var (context, game) = NewRoom(seed: 999, tunables);
        var restored = RoomRuntime.Restore(game, Settings, checkpoint, context.Room);
        var originalScript = new Random(77);
        var restoredScript = new Random(77);
        var kinds = new HashSet<string>();
        var kicks = 0;
        for (var tick = 152; tick <= 450; tick++)
        {
            var a = original.WriteSnapshots((uint)tick);
            var b = restored.WriteSnapshots((uint)tick);
            Assert.Equal(a.Views.Select(v => v.View), b.Views.Select(v => v.View));
            for (var v = 0; v < a.Views.Length; v++)
            {
                Assert.True(a.Views[v].Keyframe.AsSpan().SequenceEqual(b.Views[v].Keyframe), $"View {a.Views[v].View} differs at tick {tick - 1}.");
                Assert.Equal(a.Views[v].Events, b.Views[v].Events);
                kinds.UnionWith(a.Views[v].Events is null ? [] : EventJson(a.Views[v].Events!).Select(e => e.Split(',')[0]));
            }
            Assert.Equal(a.PlayerEvents?.Select(p => (p.EntityId, Convert.ToHexString(p.Events))), b.PlayerEvents?.Select(p => (p.EntityId, Convert.ToHexString(p.Events))));
            var kicksA = original.TakeKicks();
            Assert.Equal(kicksA, restored.TakeKicks());
            foreach (var (id, _) in kicksA)
            {
                original.Leave(id);
                restored.Leave(id);
                kicks++;
            }
            Drive(original, originalRoom, originalScript, tick);
            Drive(restored, game, restoredScript, tick);
            original.Step();
            restored.Step();
        }

        Assert.Equal(new[] { "[\"spotted\"", "[\"swap\"", "[\"tag\"" }, kinds.Order(StringComparer.Ordinal));
        Assert.True(kicks > 0, "The script leaves some players idle, so some should be kicked after the restore.");
    }

    // ---- Tunables ----

    [Fact]
    public void Tunables_DeclareTheSpecsNamesAndDefaults()
    {
        IGame game = new TagGame();

        Assert.Equal("tag", game.RoomType);
        Assert.Equal(
            new[] { ("speed", 8.0), ("swapSeconds", 30.0), ("winScore", 10.0), ("sightRadius", 12.0), ("idleKickSeconds", 60.0) },
            game.Tunables.Select(t => (t.Name, t.Default)));
        Assert.Equal((1.0, 600.0), game.Tunables.Where(t => t.Name == "idleKickSeconds").Select(t => (t.Min, t.Max)).Single());
        Assert.Equal(new TagTunables { Speed = 3, WinScore = 4 }, new TagTunables().With(new Dictionary<string, double> { ["speed"] = 3, ["winScore"] = 4 }));
    }

    [Fact]
    public void Validate_WhenATunableIsOutOfRange_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new TagGame(new TagTunables { IdleKickSeconds = 0 }));

        Assert.Equal("idleKickSeconds", error.ParamName);
        Assert.StartsWith("Tag: idleKickSeconds = 0 is out of range; allowed 1–600 s.", error.Message, StringComparison.Ordinal);
    }

    // ---- Helpers ----

    private static (RoomRuntime Runtime, TagRoom Room) Create(int seed = 42, Dictionary<string, double>? tunables = null)
    {
        var (context, room) = NewRoom(seed, tunables ?? new());
        return (new RoomRuntime(room, Settings, context.Room), room);
    }

    private static (GameRoomContext Context, TagRoom Room) NewRoom(int seed, Dictionary<string, double> tunables)
    {
        var context = new GameRoomContext("tag:test", seed, Settings) { Tunables = tunables };
        return (context, (TagRoom)new TagGame().CreateRoom(context));
    }

    private static byte[] TeamOption(string team) => Map("team", team);

    private static byte[] Map(string key, object? value) => MessagePackSerializer.Serialize(new Dictionary<string, object?> { [key] = value });

    private static void Place(TagRoom room, int entityId, float x, float y)
    {
        var player = room.Players.Single(p => p.EntityId == entityId);
        player.X = x;
        player.Y = y;
    }

    private static void StepFor(RoomRuntime runtime, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            runtime.Step();
        }
    }

    private static float DistanceSquared(TagRoom.Player a, TagRoom.Player b) => ((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y));

    /// <summary>
    /// Hunters head for the nearest prey, prey wander at random: sightings and tags happen. Entities 2 and 5 never send
    /// input (idle kicks). Reads positions from <paramref name="room"/>, so two rooms in the same state get the same inputs.
    /// </summary>
    private static void Drive(RoomRuntime runtime, TagRoom room, Random script, int tick)
    {
        foreach (var player in room.Players.ToArray())
        {
            var dx = (float)((script.NextDouble() * 2) - 1);
            var dy = (float)((script.NextDouble() * 2) - 1);
            var prey = room.Players.Where(p => p.Team != player.Team).MinBy(p => DistanceSquared(p, player));
            if (player.Team == room.Hunting && prey is not null && DistanceSquared(prey, player) > 0)
            {
                var length = MathF.Sqrt(DistanceSquared(prey, player));
                (dx, dy) = ((prey.X - player.X) / length, (prey.Y - player.Y) / length);
            }
            if (player.EntityId is not 2 and not 5)
            {
                runtime.Enqueue(player.EntityId, (uint)tick, new ArenaInput(Math.Clamp(dx, -1f, 1f), Math.Clamp(dy, -1f, 1f)).ToPayload());
            }
        }
    }

    private static byte[] AfterJoin(RoomRuntime runtime, string playerId, string team)
    {
        var joined = runtime.Join(playerId, TeamOption(team)).EntityId;
        return runtime.WriteSnapshots(0).PlayerEvents!.Single(p => p.EntityId == joined).Events;
    }

    private static (int Hunting, int ScoreRed, int ScoreBlue, (int Id, int Team, int X, int Y)[] Entities) ReadState(byte[] frame)
    {
        var snapshot = Assert.IsType<Snapshot>(MessageCodec.DecodeServer(frame));
        var reader = new MessagePackReader(snapshot.GameState);
        Assert.Equal(4, reader.ReadArrayHeader());
        var hunting = reader.ReadInt32();
        var scoreRed = reader.ReadInt32();
        var scoreBlue = reader.ReadInt32();
        var flat = reader.ReadArrayHeader();
        Assert.Equal(0, flat % 4);
        var entities = new (int, int, int, int)[flat / 4];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        }
        Assert.True(reader.End);
        return (hunting, scoreRed, scoreBlue, entities);
    }

    private static List<string> EventJson(byte[] frame)
    {
        var events = Assert.IsType<Events>(MessageCodec.DecodeServer(frame));
        return events.Items.Select(e => MessagePackSerializer.ConvertToJson(e.Payload)).ToList();
    }
}

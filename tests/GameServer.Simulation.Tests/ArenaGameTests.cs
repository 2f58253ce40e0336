using System.Buffers;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;
using MessagePack;

namespace GameServer.Simulation.Tests;

public class ArenaGameTests
{
    private static readonly RoomSettings Settings = new ArenaGame().DefaultSettings; // 20 Hz, snapshot every tick, 8 players

    // ---- Determinism ----

    [Fact]
    public void Step_WhenTwoRoomsShareSeedJoinsAndInputs_ProduceByteIdenticalSnapshotsEveryTick()
    {
        var (first, _) = CreateRuntime(seed: 1234);
        var (second, _) = CreateRuntime(seed: 1234);
        var firstScript = new InputScript(seed: 99);
        var secondScript = new InputScript(seed: 99);
        var distinctStates = new HashSet<string>();

        for (var tick = 1; tick <= 200; tick++)
        {
            firstScript.Drive(first, tick);
            secondScript.Drive(second, tick);
            first.Step();
            second.Step();

            var a = first.WriteSnapshot((uint)(tick * 50));
            var b = second.WriteSnapshot((uint)(tick * 50));
            Assert.True(a.AsSpan().SequenceEqual(b), $"Snapshots differ at tick {tick}.");
            distinctStates.Add(Convert.ToHexString(DecodeSnapshot(a).GameState.Span));
        }

        Assert.Equal(200L, first.Tick);
        Assert.True(distinctStates.Count > 100, $"The script should move bodies; only {distinctStates.Count} distinct states.");
        Assert.True(first.InputsApplied > 0);
        Assert.True(first.InputsRejected > 0); // the script sends some NaN inputs
        Assert.Equal(first.InputsRejected, second.InputsRejected);
    }

    [Fact]
    public void OnJoin_WhenSeedsDiffer_SpawnsAtDifferentPositions()
    {
        var (roomA, _) = CreateRuntime(seed: 1);
        var (roomB, _) = CreateRuntime(seed: 2);
        for (var i = 0; i < 4; i++)
        {
            roomA.Join();
            roomB.Join();
        }

        var spawnsA = ArenaState.Read(DecodeSnapshot(roomA.WriteSnapshot(0)).GameState);
        var spawnsB = ArenaState.Read(DecodeSnapshot(roomB.WriteSnapshot(0)).GameState);

        Assert.Equal(spawnsA.Select(e => e.EntityId), spawnsB.Select(e => e.EntityId));
        Assert.NotEqual(spawnsA.Select(e => (e.X, e.Y)), spawnsB.Select(e => (e.X, e.Y)));
    }

    [Fact]
    public void OnJoin_WhenSeedsEqual_SpawnsAtTheSamePositions()
    {
        var (_, roomA) = CreateRuntime(seed: 5, joins: 3);
        var (_, roomB) = CreateRuntime(seed: 5, joins: 3);

        Assert.Equal(roomA.Bodies.Select(b => (b.X, b.Y)), roomB.Bodies.Select(b => (b.X, b.Y)));
    }

    [Fact]
    public void OnJoin_SpawnsInsideTheArenaWithFullHpAndNoVelocity()
    {
        var (_, room) = CreateRuntime(seed: 77, joins: 8);

        Assert.Equal(8, room.Bodies.Count);
        Assert.All(room.Bodies, body =>
        {
            Assert.InRange(body.X, 0f, 1000f);
            Assert.InRange(body.Y, 0f, 1000f);
            Assert.Equal(0f, body.Vx);
            Assert.Equal(0f, body.Vy);
            Assert.Equal(100, body.Hp);
        });
    }

    [Fact]
    public void OnLeave_RemovesTheBody()
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var a = runtime.Join()!.Value;
        var b = runtime.Join()!.Value;

        runtime.Leave(a);

        Assert.Equal(new[] { b }, room.Bodies.Select(body => body.EntityId));
    }

    // ---- Movement ----

    [Fact]
    public void Step_WhenDxIsOneForTwentyTicksAtTwentyHz_MovesXBy200Units()
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;
        var body = Body(room, player);
        body.X = 100f;
        body.Y = 500f;

        runtime.Enqueue(player, 1, new ArenaInput(1f, 0f).ToPayload());
        for (var i = 0; i < 20; i++)
        {
            runtime.Step();
        }

        Assert.Equal(300f, body.X, 0.01f);
        Assert.Equal(500f, body.Y);
        Assert.Equal(200f, body.Vx);
        Assert.Equal(0f, body.Vy);
        var entity = ArenaState.Read(DecodeSnapshot(runtime.WriteSnapshot(1000)).GameState).Single();
        Assert.InRange(entity.X, 299.95f, 300.05f);
    }

    [Theory]
    [InlineData(950f, 1f, 1000f)]
    [InlineData(50f, -1f, 0f)]
    public void Step_WhenBodyReachesAWall_ClampsPositionAndZeroesThatVelocity(float startX, float dx, float wallX)
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;
        var body = Body(room, player);
        body.X = startX;
        body.Y = 500f;

        runtime.Enqueue(player, 1, new ArenaInput(dx, 0.5f).ToPayload());
        for (var i = 0; i < 20; i++)
        {
            runtime.Step();
        }

        Assert.Equal(wallX, body.X);
        Assert.Equal(0f, body.Vx);
        Assert.Equal(100f, body.Vy); // the other axis keeps moving
        Assert.Equal(600f, body.Y, 0.01f);
    }

    [Theory]
    [InlineData(5f, 0f, 200f, 0f)]
    [InlineData(-5f, 3f, -200f, 200f)]
    [InlineData(0.25f, -0.5f, 50f, -100f)]
    [InlineData(float.MaxValue, float.MinValue, 200f, -200f)]
    public void TryApplyInput_WhenFinite_ClampsDirectionToMaxSpeed(float dx, float dy, float expectedVx, float expectedVy)
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;

        var accepted = room.TryApplyInput(player, new ArenaInput(dx, dy).ToPayload());

        Assert.True(accepted);
        Assert.Equal(expectedVx, Body(room, player).Vx);
        Assert.Equal(expectedVy, Body(room, player).Vy);
    }

    [Theory]
    [InlineData("NaNDx")]
    [InlineData("NaNDy")]
    [InlineData("PositiveInfinity")]
    [InlineData("NegativeInfinity")]
    [InlineData("Float64TooLargeForFloat32")]
    public void TryApplyInput_WhenNotFinite_ReturnsFalseAndLeavesStateUnchanged(string name)
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;
        Assert.True(room.TryApplyInput(player, new ArenaInput(0.5f, -0.5f).ToPayload()));
        var before = StateBytes(room);

        var accepted = room.TryApplyInput(player, NonFinitePayload(name));

        Assert.False(accepted);
        Assert.Equal(before, StateBytes(room));
    }

    [Fact]
    public void Step_WhenInputRejected_KeepsPreviousVelocityAndCountsRejection()
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;
        runtime.Enqueue(player, 1, new ArenaInput(1f, 0f).ToPayload());
        runtime.Step();

        runtime.Enqueue(player, 2, new ArenaInput(float.NaN, 0f).ToPayload());
        runtime.Step();

        Assert.Equal(200f, Body(room, player).Vx);
        Assert.Equal(1L, runtime.InputsRejected);
        Assert.Equal(2u, runtime.LastProcessedSeq(player));
    }

    [Theory]
    [InlineData("String", "a3 61 62 63")]
    [InlineData("ArrayOfOne", "91 00")]
    [InlineData("EmptyArray", "90")]
    [InlineData("Garbage", "c1 c1 c1")]
    [InlineData("Empty", "")]
    [InlineData("Nil", "c0")]
    [InlineData("Map", "82 00 01 01 00")]
    [InlineData("StringElements", "92 a1 78 a1 79")]
    [InlineData("NilElements", "92 c0 c0")]
    [InlineData("BooleanElements", "92 c3 c2")]
    [InlineData("TruncatedFloat", "92 ca 3f 80")]
    [InlineData("TruncatedArray", "92 00")]
    [InlineData("TrailingBytes", "92 00 00 00")]
    [InlineData("HugeArrayHeader", "dd ff ff ff ff")]
    [InlineData("Array16ClaimingMoreThanPresent", "dc 7f ff 00 00")]
    [InlineData("DeeplyNested", "91 91 91 91 91 91 91 91 c0")]
    public void TryApplyInput_WhenPayloadMalformed_ReturnsFalseWithoutThrowing(string name, string hex)
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;
        var before = StateBytes(room);
        var accepted = true;

        var ex = Record.Exception(() => accepted = room.TryApplyInput(player, Hex(hex)));

        Assert.True(ex is null, $"{name} threw {ex}");
        Assert.False(accepted);
        Assert.Equal(before, StateBytes(room));
    }

    [Theory]
    [InlineData("IntegerElements", "92 01 ff", 200f, -200f)]
    [InlineData("Float64Elements", "92 cb 3f e0 00 00 00 00 00 00 cb bf e0 00 00 00 00 00 00", 100f, -100f)]
    [InlineData("ExtraTrailingField", "93 ca 3f 80 00 00 00 a3 6e 65 77", 200f, 0f)]
    public void TryApplyInput_WhenPayloadUsesOtherNumberFormsOrExtraFields_Accepts(string name, string hex, float expectedVx, float expectedVy)
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        var player = runtime.Join()!.Value;

        var accepted = room.TryApplyInput(player, Hex(hex));

        Assert.True(accepted, name);
        Assert.Equal(expectedVx, Body(room, player).Vx);
        Assert.Equal(expectedVy, Body(room, player).Vy);
    }

    [Fact]
    public void TryApplyInput_WhenEntityUnknown_DoesNotChangeAnyBody()
    {
        var (runtime, room) = CreateRuntime(seed: 1);
        runtime.Join();
        var before = StateBytes(room);

        var ex = Record.Exception(() => room.TryApplyInput(999, new ArenaInput(1f, 1f).ToPayload()));

        Assert.Null(ex);
        Assert.Equal(before, StateBytes(room));
    }

    // ---- Acceleration ----

    [Fact]
    public void Step_WhenAccelerationSet_ApproachesTargetVelocityGradually()
    {
        var tunables = new ArenaTunables { AccelerationPerSec2 = 1000f }; // 50 units/s per 20 Hz tick
        var (runtime, room) = CreateRuntime(seed: 1, tunables: tunables);
        var player = runtime.Join()!.Value;
        var body = Body(room, player);
        body.X = 500f;
        body.Y = 500f;

        runtime.Enqueue(player, 1, new ArenaInput(1f, -0.5f).ToPayload());
        var vx = new List<float>();
        var vy = new List<float>();
        for (var i = 0; i < 5; i++)
        {
            runtime.Step();
            vx.Add(body.Vx);
            vy.Add(body.Vy);
        }

        Assert.Equal(new[] { 50f, 100f, 150f, 200f, 200f }, vx);
        Assert.Equal(new[] { -50f, -100f, -100f, -100f, -100f }, vy);
    }

    [Fact]
    public void Step_WhenAccelerationSetAndInputStops_DeceleratesGraduallyToZero()
    {
        var tunables = new ArenaTunables { AccelerationPerSec2 = 2000f }; // 100 units/s per tick
        var (runtime, room) = CreateRuntime(seed: 1, tunables: tunables);
        var player = runtime.Join()!.Value;
        var body = Body(room, player);
        body.X = 500f;
        runtime.Enqueue(player, 1, new ArenaInput(1f, 0f).ToPayload());
        runtime.Step();
        runtime.Step();
        Assert.Equal(200f, body.Vx);

        runtime.Enqueue(player, 2, new ArenaInput(0f, 0f).ToPayload());
        Assert.Equal(200f, body.Vx); // nothing happens before the tick
        runtime.Step();
        var afterOne = body.Vx;
        runtime.Step();

        Assert.Equal(100f, afterOne);
        Assert.Equal(0f, body.Vx);
    }

    [Fact]
    public void TryApplyInput_WhenAccelerationSet_DoesNotChangeVelocityImmediately()
    {
        var (runtime, room) = CreateRuntime(seed: 1, tunables: new ArenaTunables { AccelerationPerSec2 = 500f });
        var player = runtime.Join()!.Value;

        Assert.True(room.TryApplyInput(player, new ArenaInput(1f, 1f).ToPayload()));

        Assert.Equal(0f, Body(room, player).Vx);
        Assert.Equal(200f, Body(room, player).TargetVx);
    }

    // ---- Tunables ----

    [Theory]
    [InlineData("ArenaSize", 5f)]
    [InlineData("ArenaSize", 200_000f)]
    [InlineData("ArenaSize", float.NaN)]
    [InlineData("MaxSpeed", -1f)]
    [InlineData("MaxSpeed", 20_000f)]
    [InlineData("MaxSpeed", float.NaN)]
    [InlineData("AccelerationPerSec2", -1f)]
    [InlineData("AccelerationPerSec2", 2_000_000f)]
    [InlineData("AccelerationPerSec2", float.PositiveInfinity)]
    public void Constructor_WhenTunableOutOfRange_ThrowsArgumentExceptionNamingIt(string field, float value)
    {
        var tunables = field switch
        {
            "ArenaSize" => new ArenaTunables { ArenaSize = value },
            "MaxSpeed" => new ArenaTunables { MaxSpeed = value },
            "AccelerationPerSec2" => new ArenaTunables { AccelerationPerSec2 = value },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        var ex = Assert.Throws<ArgumentException>(() => new ArenaGame(tunables));

        Assert.Equal(field, ex.ParamName);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultSettings_AreTwentyHzEverySnapshotEightPlayersAndValid()
    {
        var game = new ArenaGame();

        Assert.Equal("arena", game.RoomType);
        Assert.Equal(20, game.DefaultSettings.TickRateHz);
        Assert.Equal(1, game.DefaultSettings.SnapshotEveryTicks);
        Assert.Equal(8, game.DefaultSettings.MaxPlayers);
        Assert.Null(Record.Exception(() => game.DefaultSettings.Validate(game.RoomType)));
    }

    // ---- Helpers ----

    private static (RoomRuntime Runtime, ArenaRoom Room) CreateRuntime(int seed, ArenaTunables? tunables = null, int joins = 0)
    {
        var game = tunables is null ? new ArenaGame() : new ArenaGame(tunables);
        var room = Assert.IsType<ArenaRoom>(game.CreateRoom(new GameRoomContext($"arena:seed{seed}", seed, Settings)));
        var runtime = new RoomRuntime(room, Settings);
        for (var i = 0; i < joins; i++)
        {
            runtime.Join();
        }
        return (runtime, room);
    }

    private static ArenaRoom.Body Body(ArenaRoom room, int entityId) => room.Bodies.Single(b => b.EntityId == entityId);

    private static byte[] StateBytes(ArenaRoom room)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        room.WriteState(ref writer);
        writer.Flush();
        var targets = room.Bodies.SelectMany(b => BitConverter.GetBytes(b.TargetVx).Concat(BitConverter.GetBytes(b.TargetVy)));
        return [.. buffer.WrittenSpan, .. targets];
    }

    private static Snapshot DecodeSnapshot(byte[] frame) => Assert.IsType<Snapshot>(MessageCodec.DecodeServer(frame));

    private static byte[] NonFinitePayload(string name) => name switch
    {
        "NaNDx" => new ArenaInput(float.NaN, 0f).ToPayload(),
        "NaNDy" => new ArenaInput(0f, float.NaN).ToPayload(),
        "PositiveInfinity" => new ArenaInput(float.PositiveInfinity, 0f).ToPayload(),
        "NegativeInfinity" => new ArenaInput(0f, float.NegativeInfinity).ToPayload(),
        "Float64TooLargeForFloat32" => Hex("92 cb 7e 37 e4 3c 88 00 75 9c 00"), // [1e300, 0]
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>
    /// A seeded input script: three players join, each sends 0–3 inputs a tick in shuffled seq order, some NaN or out of
    /// range; one player leaves at tick 80 and a new one joins at tick 120.
    /// </summary>
    private sealed class InputScript(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Dictionary<int, uint> _nextSeq = new();

        public void Drive(RoomRuntime runtime, int tick)
        {
            if (tick == 1)
            {
                for (var i = 0; i < 3; i++)
                {
                    _nextSeq[runtime.Join()!.Value] = 1;
                }
            }
            if (tick == 80)
            {
                var leaving = _nextSeq.Keys.Min();
                runtime.Leave(leaving);
                _nextSeq.Remove(leaving);
            }
            if (tick == 120)
            {
                _nextSeq[runtime.Join()!.Value] = 1;
            }
            foreach (var player in _nextSeq.Keys.Order().ToArray())
            {
                var count = _random.Next(0, 4);
                var inputs = new List<(uint Seq, byte[] Payload)>();
                for (var i = 0; i < count; i++)
                {
                    var dx = _random.Next(10) == 0 ? float.NaN : (float)((_random.NextDouble() * 3) - 1.5);
                    var dy = (float)((_random.NextDouble() * 3) - 1.5);
                    inputs.Add((_nextSeq[player]++, new ArenaInput(dx, dy).ToPayload()));
                }
                foreach (var (seq, payload) in inputs.OrderBy(_ => _random.Next()))
                {
                    runtime.Enqueue(player, seq, payload);
                }
            }
        }
    }
}

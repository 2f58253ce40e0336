using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Simulation.Games.Arena;

/// <summary>
/// Arena rules: an input sets a player's target velocity (direction × max speed); each step moves every player and
/// clamps them to the arena, zeroing the velocity component that hit a wall.
/// </summary>
internal sealed class ArenaRoom : GameRoom<ArenaInput>
{
    private const byte StartingHp = 100;

    private ArenaTunables _tunables;
    private GameRandom _random;
    private readonly List<Body> _bodies = new();
    private ArenaWireEntity[] _wire = new ArenaWireEntity[8];

    public ArenaRoom(GameRoomContext context, ArenaTunables tunables)
    {
        _tunables = tunables;
        _random = context.CreateGameRandom();
    }

    public IReadOnlyList<Body> Bodies => _bodies;

    // The lobby's view: a lone player waits for an opponent. Two fixed maps, so reading it allocates nothing.
    private static readonly IReadOnlyDictionary<string, string> s_waiting = new Dictionary<string, string> { ["phase"] = "waiting" };
    private static readonly IReadOnlyDictionary<string, string> s_playing = new Dictionary<string, string> { ["phase"] = "playing" };

    public override IReadOnlyDictionary<string, string>? Metadata => _bodies.Count < 2 ? s_waiting : s_playing;

    public override void OnJoin(int entityId)
    {
        var size = _tunables.ArenaSize;
        _bodies.Add(new Body(entityId)
        {
            X = (float)(_random.NextDouble() * size),
            Y = (float)(_random.NextDouble() * size),
            Hp = StartingHp,
        });
    }

    public override void OnLeave(int entityId) => _bodies.RemoveAll(b => b.EntityId == entityId);

    // New speeds apply from each player's next input (20 per second), new sizes from the next step's clamp.
    public override void OnSettingsChanged(RoomSettings settings, IReadOnlyDictionary<string, double> tunables) =>
        _tunables = _tunables.With(tunables);

    protected override bool TryReadInput(ref MessagePackReader reader, out ArenaInput input)
    {
        input = ArenaInput.Read(ref reader);
        // NaN and infinities are refused outright; finite values outside [-1, 1] are clamped.
        return float.IsFinite(input.Dx) && float.IsFinite(input.Dy);
    }

    protected override void OnInput(int entityId, in ArenaInput input)
    {
        var body = Find(entityId);
        if (body is null)
        {
            return;
        }
        body.TargetVx = Math.Clamp(input.Dx, -1f, 1f) * _tunables.MaxSpeed;
        body.TargetVy = Math.Clamp(input.Dy, -1f, 1f) * _tunables.MaxSpeed;
        if (_tunables.AccelerationPerSec2 == 0f)
        {
            body.Vx = body.TargetVx;
            body.Vy = body.TargetVy;
        }
    }

    public override void Step(float dtSeconds, long tick)
    {
        var size = _tunables.ArenaSize;
        var maxDeltaV = _tunables.AccelerationPerSec2 * dtSeconds;
        foreach (var body in _bodies)
        {
            if (_tunables.AccelerationPerSec2 > 0f)
            {
                body.Vx = Approach(body.Vx, body.TargetVx, maxDeltaV);
                body.Vy = Approach(body.Vy, body.TargetVy, maxDeltaV);
            }
            body.X += body.Vx * dtSeconds;
            body.Y += body.Vy * dtSeconds;
            if (body.X < 0f || body.X > size)
            {
                body.X = Math.Clamp(body.X, 0f, size);
                body.Vx = 0f;
            }
            if (body.Y < 0f || body.Y > size)
            {
                body.Y = Math.Clamp(body.Y, 0f, size);
                body.Vy = 0f;
            }
        }
    }

    public override void WriteState(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(_bodies.Count);
        foreach (var body in _bodies)
        {
            ArenaState.WriteEntity(ref writer, Wire(body));
        }
    }

    // Only what changed, as differences of the wire values (most entities move every tick: ~7 bytes each instead of ~14).
    public override bool TryWriteDelta(ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer)
    {
        if (_wire.Length < _bodies.Count)
        {
            _wire = new ArenaWireEntity[_bodies.Count * 2];
        }
        for (var i = 0; i < _bodies.Count; i++)
        {
            _wire[i] = Wire(_bodies[i]);
        }
        ArenaDelta.Write(ref writer, ArenaState.ReadWire(previousState), _wire.AsSpan(0, _bodies.Count));
        return true;
    }

    private static ArenaWireEntity Wire(Body body) =>
        ArenaState.Quantize(new ArenaEntity(body.EntityId, body.X, body.Y, body.Vx, body.Vy, body.Hp));

    // [[entityId, x, y, vx, vy, targetVx, targetVy, hp], ...]: the snapshot's fields plus the targets that acceleration approaches.
    // Checkpoint layout: [randomState, [body, …]], each body [entityId, x, y, vx, vy, targetVx, targetVy, hp]. Builds
    // before the random state was saved wrote the bodies array alone; RestoreState still reads that (a rolling deploy).
    public override void SaveState(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(_random.State);
        writer.WriteArrayHeader(_bodies.Count);
        foreach (var body in _bodies)
        {
            writer.WriteArrayHeader(8);
            writer.Write(body.EntityId);
            writer.Write(body.X);
            writer.Write(body.Y);
            writer.Write(body.Vx);
            writer.Write(body.Vy);
            writer.Write(body.TargetVx);
            writer.Write(body.TargetVy);
            writer.Write(body.Hp);
        }
    }

    public override void RestoreState(ref MessagePackReader reader)
    {
        _bodies.Clear();
        var count = reader.ReadArrayHeader();
        if (count == 2 && reader.NextMessagePackType == MessagePackType.Integer)
        {
            _random = GameRandom.FromState(reader.ReadUInt64());
            count = reader.ReadArrayHeader();
        }
        for (var i = 0; i < count; i++)
        {
            if (reader.ReadArrayHeader() != 8)
            {
                throw new MessagePackSerializationException("An arena checkpoint entity must have 8 fields.");
            }
            _bodies.Add(new Body(reader.ReadInt32())
            {
                X = reader.ReadSingle(),
                Y = reader.ReadSingle(),
                Vx = reader.ReadSingle(),
                Vy = reader.ReadSingle(),
                TargetVx = reader.ReadSingle(),
                TargetVy = reader.ReadSingle(),
                Hp = reader.ReadByte(),
            });
        }
    }

    private Body? Find(int entityId)
    {
        foreach (var body in _bodies)
        {
            if (body.EntityId == entityId)
            {
                return body;
            }
        }
        return null;
    }

    private static float Approach(float value, float target, float maxDelta) =>
        value < target ? MathF.Min(value + maxDelta, target) : MathF.Max(value - maxDelta, target);

    internal sealed class Body(int entityId)
    {
        public int EntityId { get; } = entityId;
        public float X { get; set; }
        public float Y { get; set; }
        public float Vx { get; set; }
        public float Vy { get; set; }
        public float TargetVx { get; set; }
        public float TargetVy { get; set; }
        public byte Hp { get; set; }
    }
}

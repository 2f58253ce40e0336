using System.Buffers;
using GameServer.Protocol;
using MessagePack;

namespace GameServer.Simulation.Tests;

/// <summary>
/// A small game with hidden information for the runtime's tests: every player is in view (entity id parity) + 1, has a
/// score that grows by one each step, and sees only the scores of their own view. Its state is <c>[[id, score], ...]</c>
/// by increasing id; its delta is <c>[[[id, score], ...] changed or new, [id, ...] removed]</c>, read back by
/// <see cref="ClientHalf"/>. Tests tell it what to emit, kick or close from inside its hooks.
/// </summary>
internal sealed class ViewsTestGame(RoomControl room) : IGameRoom
{
    /// <summary>Join options that make the game refuse the player.</summary>
    public const string RefusedOption = "banned";

    /// <summary>The reason a refused player reads.</summary>
    public const string RefusalReason = "Banned players cannot join.";

    private readonly SortedDictionary<int, int> _scores = new();

    public RoomControl Room { get; } = room;

    /// <summary>Every join request the game was asked about, in order.</summary>
    public List<JoinRequest> Requests { get; } = new();

    /// <summary>The views <see cref="WriteViewState"/> was called for, in order (0 for <see cref="WriteState"/>).</summary>
    public List<int> ViewWrites { get; } = new();

    /// <summary>Run inside <see cref="OnJoin"/>, with the new entity id.</summary>
    public Action<int>? DuringJoin { get; set; }

    /// <summary>Run inside the next <see cref="Step"/> (then cleared), with the tick being produced.</summary>
    public Action<long>? DuringNextStep { get; set; }

    /// <summary>The view a player of <paramref name="entityId"/> is admitted into.</summary>
    public static int ViewFor(int entityId) => (entityId % 2) + 1;

    /// <summary>A MessagePack string, as a client writes its join options or the game its event payloads.</summary>
    public static byte[] Str(string value) => MessagePackSerializer.Serialize(value);

    /// <summary>Decodes the game state of a keyframe into (id, score) pairs.</summary>
    public static (int Id, int Score)[] ReadState(ReadOnlyMemory<byte> state)
    {
        var reader = new MessagePackReader(state);
        var entries = new (int, int)[reader.ReadArrayHeader()];
        for (var i = 0; i < entries.Length; i++)
        {
            reader.ReadArrayHeader();
            entries[i] = (reader.ReadInt32(), reader.ReadInt32());
        }
        return entries;
    }

    public JoinDecision OnJoinRequest(in JoinRequest request)
    {
        Requests.Add(request);
        if (!request.Options.IsEmpty && MessagePackSerializer.Deserialize<string>(request.Options) == RefusedOption)
        {
            return JoinDecision.Refuse(RefusalReason);
        }
        var view = ViewFor(request.EntityId);
        return JoinDecision.Accept(view, $"team{view}");
    }

    public void OnJoin(int entityId)
    {
        _scores[entityId] = 0;
        DuringJoin?.Invoke(entityId);
    }

    public void OnLeave(int entityId) => _scores.Remove(entityId);

    public bool TryApplyInput(int entityId, ReadOnlySpan<byte> payload) => true;

    public void Step(float dtSeconds, long tick)
    {
        foreach (var id in _scores.Keys.ToArray())
        {
            _scores[id]++;
        }
        var action = DuringNextStep;
        DuringNextStep = null;
        action?.Invoke(tick);
    }

    public void WriteState(ref MessagePackWriter writer)
    {
        ViewWrites.Add(0);
        Write(ref writer, _scores);
    }

    public void WriteViewState(int view, ref MessagePackWriter writer)
    {
        ViewWrites.Add(view);
        Write(ref writer, Visible(view));
    }

    public bool TryWriteViewDelta(int view, ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer)
    {
        var before = ReadState(previousState).ToDictionary(e => e.Id, e => e.Score);
        var now = Visible(view);
        var changed = now.Where(e => !before.TryGetValue(e.Key, out var score) || score != e.Value).ToArray();
        var removed = before.Keys.Where(id => !now.ContainsKey(id)).OrderBy(id => id).ToArray();
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(changed.Length);
        foreach (var (id, score) in changed)
        {
            writer.WriteArrayHeader(2);
            writer.Write(id);
            writer.Write(score);
        }
        writer.WriteArrayHeader(removed.Length);
        foreach (var id in removed)
        {
            writer.Write(id);
        }
        return true;
    }

    public void SaveState(ref MessagePackWriter writer) => Write(ref writer, _scores);

    public void RestoreState(ref MessagePackReader reader)
    {
        _scores.Clear();
        var count = reader.ReadArrayHeader();
        for (var i = 0; i < count; i++)
        {
            reader.ReadArrayHeader();
            _scores[reader.ReadInt32()] = reader.ReadInt32();
        }
    }

    public void OnDispose()
    {
    }

    private SortedDictionary<int, int> Visible(int view) =>
        new(_scores.Where(e => ViewFor(e.Key) == view).ToDictionary(e => e.Key, e => e.Value));

    private static void Write(ref MessagePackWriter writer, SortedDictionary<int, int> scores)
    {
        writer.WriteArrayHeader(scores.Count);
        foreach (var (id, score) in scores)
        {
            writer.WriteArrayHeader(2);
            writer.Write(id);
            writer.Write(score);
        }
    }

    /// <summary>The client half: rebuilds a view's state from its previous one and the game's delta.</summary>
    public sealed class ClientHalf : IGameStateDelta
    {
        public static ClientHalf Instance { get; } = new();

        public byte[] Apply(ReadOnlyMemory<byte> previousState, ReadOnlyMemory<byte> delta)
        {
            var scores = new SortedDictionary<int, int>(ReadState(previousState).ToDictionary(e => e.Id, e => e.Score));
            var reader = new MessagePackReader(delta);
            reader.ReadArrayHeader();
            var changes = reader.ReadArrayHeader();
            for (var i = 0; i < changes; i++)
            {
                reader.ReadArrayHeader();
                scores[reader.ReadInt32()] = reader.ReadInt32();
            }
            var removed = reader.ReadArrayHeader();
            for (var i = 0; i < removed; i++)
            {
                scores.Remove(reader.ReadInt32());
            }
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            Write(ref writer, scores);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
    }
}

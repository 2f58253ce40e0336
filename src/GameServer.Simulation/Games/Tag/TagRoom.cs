using System.Buffers;
using System.Globalization;
using GameServer.Protocol.Arena;
using MessagePack;

namespace GameServer.Simulation.Games.Tag;

/// <summary>
/// Tag rules: red (view 1) and blue (view 2) move on a 40 × 40 field; a hunter within 1.5 units of a prey tags it (its
/// team scores, the prey respawns on its side); the hunting team swaps on a timer; the first team to the win score
/// ends the room. Each team sees its own players and the enemies within sight of any of them.
/// </summary>
internal sealed class TagRoom : GameRoom<ArenaInput>
{
    /// <summary>Side of the square field, in units.</summary>
    public const float FieldSize = 40f;

    /// <summary>A hunter this close to a prey (or closer) tags it, in units.</summary>
    public const float TagDistance = 1.5f;

    public const int Red = 1;
    public const int Blue = 2;

    private const string OptionsMessage = "Join options must be a map like {\"team\": \"red\"}.";

    private readonly RoomControl _control;
    private readonly List<Player> _players = new(); // by increasing entity id: the order of the wire and of the rules
    private readonly Dictionary<int, int> _admitted = new(); // entity id → team chosen by OnJoinRequest, until OnJoin
    private readonly List<int>[] _seen = [new(), new()]; // per team (index team − 1): the enemies it saw at the last step
    private readonly List<int> _visibleNow = new();
    private readonly ArrayBufferWriter<byte> _eventBuffer = new(64);
    private TagTunables _tunables;
    private GameRandom _random;
    private int _maxPlayers;
    private int _hunting = Red;
    private int _swaps;
    private double _swapElapsedSeconds;
    private int _scoreRed;
    private int _scoreBlue;
    private bool _over;
    private IReadOnlyDictionary<string, string>? _metadata;

    public TagRoom(GameRoomContext context, TagTunables tunables)
    {
        _control = context.Room;
        _tunables = tunables;
        _random = context.CreateGameRandom();
        _maxPlayers = context.Settings.MaxPlayers;
    }

    public IReadOnlyList<Player> Players => _players;

    public int Hunting => _hunting;

    public int ScoreRed => _scoreRed;

    public int ScoreBlue => _scoreBlue;

    // Rebuilt only when the score changes, so the lobby's once-a-second read allocates nothing.
    public override IReadOnlyDictionary<string, string>? Metadata => _metadata ??= new Dictionary<string, string>
    {
        ["phase"] = "playing",
        ["score"] = string.Create(CultureInfo.InvariantCulture, $"{_scoreRed}-{_scoreBlue}"),
    };

    /// <summary>Each team holds half the seats (rounded up, so an odd room still fills).</summary>
    private int TeamCapacity => (_maxPlayers + 1) / 2;

    public override JoinDecision OnJoinRequest(in JoinRequest request)
    {
        int team;
        if (request.Options.IsEmpty)
        {
            team = SmallerTeam();
        }
        else
        {
            string? asked;
            try
            {
                if (!TryReadTeamOption(request.Options, out asked))
                {
                    return JoinDecision.Refuse(OptionsMessage);
                }
            }
            catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException)
            {
                return JoinDecision.Refuse(OptionsMessage);
            }
            if (asked is null)
            {
                team = SmallerTeam();
            }
            else if (TeamOf(asked) is { } named)
            {
                team = named;
            }
            else
            {
                return JoinDecision.Refuse($"Unknown team '{Shorten(asked)}': pick red or blue.");
            }
        }
        if (CountOf(team) >= TeamCapacity)
        {
            return JoinDecision.Refuse($"Team {NameOf(team)} is full.");
        }
        _admitted[request.EntityId] = team;
        return JoinDecision.Accept(view: team, role: NameOf(team));
    }

    public override void OnJoin(int entityId)
    {
        // A join that skipped OnJoinRequest (none does today) still lands on a team.
        var team = _admitted.Remove(entityId, out var chosen) ? chosen : SmallerTeam();
        var player = new Player(entityId, team);
        Spawn(player);
        var index = _players.FindIndex(p => p.EntityId > entityId);
        _players.Insert(index < 0 ? _players.Count : index, player);

        var when = _swaps == 0 ? "first" : "now";
        var writer = BeginEvent(2, "welcome");
        writer.Write($"You are on team {NameOf(team)}; {NameOf(_hunting)} hunts {when}.");
        Emit(EventTarget.ToPlayer(entityId), ref writer);
    }

    public override void OnLeave(int entityId)
    {
        _players.RemoveAll(p => p.EntityId == entityId);
        _seen[0].Remove(entityId);
        _seen[1].Remove(entityId);
        _admitted.Remove(entityId);
    }

    public override void OnSettingsChanged(RoomSettings settings, IReadOnlyDictionary<string, double> tunables)
    {
        _maxPlayers = settings.MaxPlayers;
        _tunables = _tunables.With(tunables);
    }

    protected override bool TryReadInput(ref MessagePackReader reader, out ArenaInput input)
    {
        // The arena's [dx, dy], but out of range is refused rather than clamped.
        input = ArenaInput.Read(ref reader);
        return input.Dx is >= -1f and <= 1f && input.Dy is >= -1f and <= 1f;
    }

    protected override void OnInput(int entityId, in ArenaInput input)
    {
        var player = Find(entityId);
        if (player is null)
        {
            return;
        }
        player.Dx = input.Dx;
        player.Dy = input.Dy;
        player.IdleSeconds = 0;
    }

    public override void Step(float dtSeconds, long tick)
    {
        if (_over)
        {
            return; // the room closes at the end of the tick that ended the game
        }
        var distance = _tunables.Speed * dtSeconds;
        foreach (var player in _players)
        {
            player.X = Math.Clamp(player.X + (player.Dx * distance), 0f, FieldSize);
            player.Y = Math.Clamp(player.Y + (player.Dy * distance), 0f, FieldSize);
        }

        Tags();
        if (_over)
        {
            return;
        }

        // A small tolerance: dt is a float, and 600 steps of 0.05 must make 30 seconds.
        _swapElapsedSeconds += dtSeconds;
        if (_swapElapsedSeconds + 1e-6 >= _tunables.SwapSeconds)
        {
            _swapElapsedSeconds = 0;
            _hunting = Other(_hunting);
            _swaps++;
            var writer = BeginEvent(2, "swap");
            writer.Write(_hunting);
            Emit(EventTarget.Everyone, ref writer);
        }

        Spot(Red);
        Spot(Blue);

        foreach (var player in _players)
        {
            if (player.Kicked)
            {
                continue;
            }
            player.IdleSeconds += dtSeconds;
            if (player.IdleSeconds + 1e-6 >= _tunables.IdleKickSeconds)
            {
                // The owner removes the player at the end of the tick; until then they must not be kicked twice.
                player.Kicked = true;
                _control.Kick(player.EntityId, string.Create(CultureInfo.InvariantCulture, $"Idle for {_tunables.IdleKickSeconds} s."));
            }
        }
    }

    public override void WriteState(ref MessagePackWriter writer) => WriteViewState(0, ref writer);

    // [hunting, scoreRed, scoreBlue, [id, team, x, y, …]]: a team's view holds its own players and the enemies it sees;
    // any other view (a spectator's) holds everyone.
    public override void WriteViewState(int view, ref MessagePackWriter writer)
    {
        var team = view is Red or Blue ? view : 0;
        var count = 0;
        foreach (var player in _players)
        {
            if (Sees(team, player))
            {
                count++;
            }
        }
        writer.WriteArrayHeader(4);
        writer.Write(_hunting);
        writer.Write(_scoreRed);
        writer.Write(_scoreBlue);
        writer.WriteArrayHeader(count * 4);
        foreach (var player in _players)
        {
            if (Sees(team, player))
            {
                writer.Write(player.EntityId);
                writer.Write(player.Team);
                writer.Write(Tenths(player.X));
                writer.Write(Tenths(player.Y));
            }
        }
    }

    // [randomState, hunting, swaps, swapElapsedSeconds, scoreRed, scoreBlue, over, [player, …], seenByRed, seenByBlue],
    // each player [id, team, x, y, dx, dy, idleSeconds, kicked]; everything a restored room needs to go on identically.
    public override void SaveState(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(10);
        writer.Write(_random.State);
        writer.Write(_hunting);
        writer.Write(_swaps);
        writer.Write(_swapElapsedSeconds);
        writer.Write(_scoreRed);
        writer.Write(_scoreBlue);
        writer.Write(_over);
        writer.WriteArrayHeader(_players.Count);
        foreach (var player in _players)
        {
            writer.WriteArrayHeader(8);
            writer.Write(player.EntityId);
            writer.Write(player.Team);
            writer.Write(player.X);
            writer.Write(player.Y);
            writer.Write(player.Dx);
            writer.Write(player.Dy);
            writer.Write(player.IdleSeconds);
            writer.Write(player.Kicked);
        }
        foreach (var seen in _seen)
        {
            writer.WriteArrayHeader(seen.Count);
            foreach (var id in seen)
            {
                writer.Write(id);
            }
        }
    }

    public override void RestoreState(ref MessagePackReader reader)
    {
        if (reader.ReadArrayHeader() != 10)
        {
            throw new MessagePackSerializationException("A tag checkpoint must have 10 fields.");
        }
        _random = GameRandom.FromState(reader.ReadUInt64());
        _hunting = reader.ReadInt32();
        _swaps = reader.ReadInt32();
        _swapElapsedSeconds = reader.ReadDouble();
        _scoreRed = reader.ReadInt32();
        _scoreBlue = reader.ReadInt32();
        _over = reader.ReadBoolean();
        _players.Clear();
        var count = reader.ReadArrayHeader();
        for (var i = 0; i < count; i++)
        {
            if (reader.ReadArrayHeader() != 8)
            {
                throw new MessagePackSerializationException("A tag checkpoint player must have 8 fields.");
            }
            _players.Add(new Player(reader.ReadInt32(), reader.ReadInt32())
            {
                X = reader.ReadSingle(),
                Y = reader.ReadSingle(),
                Dx = reader.ReadSingle(),
                Dy = reader.ReadSingle(),
                IdleSeconds = reader.ReadDouble(),
                Kicked = reader.ReadBoolean(),
            });
        }
        foreach (var seen in _seen)
        {
            seen.Clear();
            var seenCount = reader.ReadArrayHeader();
            for (var i = 0; i < seenCount; i++)
            {
                seen.Add(reader.ReadInt32());
            }
        }
        _metadata = null;
    }

    /// <summary>Reads <c>{"team": …}</c>: false when the options are not a map or team is not a string; <paramref name="team"/> null when absent.</summary>
    private static bool TryReadTeamOption(ReadOnlyMemory<byte> options, out string? team)
    {
        team = null;
        var reader = new MessagePackReader(options);
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return false;
        }
        var entries = reader.ReadMapHeader();
        for (var i = 0; i < entries; i++)
        {
            if (reader.NextMessagePackType == MessagePackType.String && reader.ReadString() == "team")
            {
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    return false;
                }
                team = reader.ReadString();
            }
            else
            {
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    reader.Skip(); // a key of another type
                }
                reader.Skip(); // the value of a key tag does not know: a later client may send more options
            }
        }
        return true;
    }

    /// <summary>Each prey within reach of a hunter is tagged by the lowest-numbered one: a point, an event, a respawn.</summary>
    private void Tags()
    {
        var reach = TagDistance * TagDistance;
        foreach (var prey in _players)
        {
            if (prey.Team == _hunting)
            {
                continue;
            }
            foreach (var hunter in _players)
            {
                if (hunter.Team != _hunting || DistanceSquared(hunter, prey) > reach)
                {
                    continue;
                }
                if (_hunting == Red)
                {
                    _scoreRed++;
                }
                else
                {
                    _scoreBlue++;
                }
                _metadata = null;
                Spawn(prey);
                var tag = BeginEvent(4, "tag");
                tag.Write(hunter.EntityId);
                tag.Write(prey.EntityId);
                tag.Write(_hunting);
                Emit(EventTarget.Everyone, ref tag);
                if ((_hunting == Red ? _scoreRed : _scoreBlue) >= _tunables.WinScore)
                {
                    End(_hunting);
                    return;
                }
                break;
            }
        }
    }

    private void End(int winner)
    {
        _over = true;
        var over = BeginEvent(4, "over");
        over.Write(winner);
        over.Write(_scoreRed);
        over.Write(_scoreBlue);
        Emit(EventTarget.Everyone, ref over);
        var (won, lost) = winner == Red ? (_scoreRed, _scoreBlue) : (_scoreBlue, _scoreRed);
        var name = winner == Red ? "Red" : "Blue";
        _control.Close(string.Create(CultureInfo.InvariantCulture, $"{name} wins {won}–{lost}."));
    }

    /// <summary>Tells <paramref name="team"/> about each enemy it sees now and did not see at the previous step.</summary>
    private void Spot(int team)
    {
        _visibleNow.Clear();
        foreach (var player in _players)
        {
            if (player.Team != team && Sees(team, player))
            {
                _visibleNow.Add(player.EntityId);
            }
        }
        var seen = _seen[team - 1];
        foreach (var id in _visibleNow)
        {
            if (!seen.Contains(id))
            {
                var spotted = BeginEvent(2, "spotted");
                spotted.Write(id);
                Emit(EventTarget.ToView(team), ref spotted);
            }
        }
        seen.Clear();
        seen.AddRange(_visibleNow);
    }

    /// <summary>Whether <paramref name="team"/> (0: a spectator) sees <paramref name="player"/>.</summary>
    private bool Sees(int team, Player player)
    {
        if (team == 0 || player.Team == team)
        {
            return true;
        }
        var sight = _tunables.SightRadius * _tunables.SightRadius;
        foreach (var own in _players)
        {
            if (own.Team == team && DistanceSquared(own, player) <= sight)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A random place in the team's quarter of the field: red on the left, blue on the right.</summary>
    private void Spawn(Player player)
    {
        var quarter = FieldSize / 4;
        var left = player.Team == Red ? 0f : FieldSize - quarter;
        player.X = left + (_random.NextSingle() * quarter);
        player.Y = _random.NextSingle() * FieldSize;
    }

    private MessagePackWriter BeginEvent(int length, string kind)
    {
        _eventBuffer.ResetWrittenCount();
        var writer = new MessagePackWriter(_eventBuffer);
        writer.WriteArrayHeader(length);
        writer.Write(kind);
        return writer;
    }

    private void Emit(EventTarget target, ref MessagePackWriter writer)
    {
        writer.Flush();
        _control.Emit(target, _eventBuffer.WrittenSpan);
    }

    private int SmallerTeam() => CountOf(Blue) < CountOf(Red) ? Blue : Red;

    private int CountOf(int team)
    {
        var count = 0;
        foreach (var player in _players)
        {
            if (player.Team == team)
            {
                count++;
            }
        }
        foreach (var admitted in _admitted.Values)
        {
            if (admitted == team)
            {
                count++;
            }
        }
        return count;
    }

    private Player? Find(int entityId)
    {
        foreach (var player in _players)
        {
            if (player.EntityId == entityId)
            {
                return player;
            }
        }
        return null;
    }

    private static int? TeamOf(string name) => name switch
    {
        "red" => Red,
        "blue" => Blue,
        _ => null,
    };

    private static string NameOf(int team) => team == Red ? "red" : "blue";

    private static int Other(int team) => team == Red ? Blue : Red;

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";

    private static float DistanceSquared(Player a, Player b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        return (dx * dx) + (dy * dy);
    }

    private static int Tenths(float units) => Math.Clamp((int)MathF.Round(units * 10f), 0, (int)(FieldSize * 10));

    internal sealed class Player(int entityId, int team)
    {
        public int EntityId { get; } = entityId;
        public int Team { get; } = team;
        public float X { get; set; }
        public float Y { get; set; }
        public float Dx { get; set; }
        public float Dy { get; set; }
        public double IdleSeconds { get; set; }
        public bool Kicked { get; set; }
    }
}

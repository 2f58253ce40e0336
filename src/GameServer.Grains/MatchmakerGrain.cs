using GameServer.Abstractions;
using GameServer.Simulation;

namespace GameServer.Grains;

/// <summary>
/// Join-or-create for one room type: sends players to the oldest open public room with a free seat and the properties
/// they ask for (counting seats reserved for players still on their way), and opens a new room when none has one.
/// Opens private rooms with a code on request, and lists the open public rooms for the lobby. A player who already
/// holds a seat, or a reservation, in one of this type's rooms is sent back to that room, so one player never gets two
/// seats of a type; the room itself hands the seat to the newer connection. What rooms hold is learnt from their status
/// reports (after every join and leave, and every few seconds), so a matchmaker that lost its memory with its silo
/// relearns it.
/// </summary>
internal sealed class MatchmakerGrain(GameCatalog catalog, RoomPropertyRules properties) : Grain, IMatchmakerGrain
{
    // A reservation whose player never arrives (edge died mid-join) frees its seat after this.
    private static readonly TimeSpan s_reservationExpiry = TimeSpan.FromSeconds(15);

    // Attempts at a free code before giving up: with 8.9e8 codes, even a million private rooms collide 1 time in 900.
    private const int CodeAttempts = 8;

    private readonly List<Entry> _rooms = new();

    // Where each player has a seat or a reservation: the room that holds them, for their next join.
    private readonly Dictionary<string, Entry> _players = new(StringComparer.Ordinal);

    private string RoomType => this.GetPrimaryKeyString();

    public async Task<RoomTicket> FindRoom(string playerId, Dictionary<string, string>? criteria)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        if (!catalog.TryGet(RoomType, out _))
        {
            return RoomTicket.Refused(TicketStatus.UnknownRoomType);
        }
        var (wanted, problem) = properties.Resolve(RoomType, criteria);
        if (wanted is null)
        {
            return RoomTicket.Refused(TicketStatus.InvalidProperties, problem);
        }
        var now = DateTime.UtcNow;
        if (_players.TryGetValue(playerId, out var held))
        {
            // One seat per player per type: back to it, whatever they ask for now (they leave first to change rooms).
            if (held.Reservations.ContainsKey(playerId))
            {
                held.Reservations[playerId] = now; // on the way again: keep the seat for another expiry period
            }
            return Ticket(held);
        }
        foreach (var room in _rooms)
        {
            ExpireReservations(room, now);
            if (!room.Full && room.Options is { Private: false } options && SameProperties(options.Properties, wanted)
                && room.Seated.Count + room.Reservations.Count < room.Capacity)
            {
                Reserve(room, playerId, now);
                return Ticket(room);
            }
        }
        var created = await NewRoomAsync(new RoomOptions(Private: false, Code: null, wanted)).ConfigureAwait(true);
        if (_players.TryGetValue(playerId, out held))
        {
            return Ticket(held); // another join of this player found a room while this one waited
        }
        _rooms.Add(created);
        Reserve(created, playerId, now);
        return Ticket(created);
    }

    public async Task<RoomTicket> CreateRoom(string playerId, bool isPrivate, Dictionary<string, string>? requested)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        if (!catalog.TryGet(RoomType, out _))
        {
            return RoomTicket.Refused(TicketStatus.UnknownRoomType);
        }
        var (values, problem) = properties.Resolve(RoomType, requested);
        if (values is null)
        {
            return RoomTicket.Refused(TicketStatus.InvalidProperties, problem);
        }
        var roomId = RoomIds.New(RoomType);
        string? code = null;
        if (isPrivate)
        {
            for (var attempt = 0; attempt < CodeAttempts && code is null; attempt++)
            {
                var candidate = RoomCodes.New();
                if (await GrainFactory.GetGrain<IRoomCodeGrain>(candidate).Claim(roomId).ConfigureAwait(true))
                {
                    code = candidate;
                }
            }
            if (code is null)
            {
                return RoomTicket.Refused(TicketStatus.NoCodeAvailable);
            }
        }
        var created = await NewRoomAsync(new RoomOptions(isPrivate, code, values), roomId).ConfigureAwait(true);
        _rooms.Add(created);
        // The creator's seat is this room now; one they held elsewhere is released by its room in time (grace window).
        Reserve(created, playerId, DateTime.UtcNow);
        return Ticket(created);
    }

    public Task<LobbyPage> ListRooms(Dictionary<string, string>? filter, int offset, int limit)
    {
        if (!catalog.TryGet(RoomType, out _))
        {
            return Task.FromResult(new LobbyPage([], 0, $"No game is registered for room type '{RoomType}'."));
        }
        if (properties.Resolve(RoomType, filter) is { Values: null, Problem: var problem })
        {
            return Task.FromResult(new LobbyPage([], 0, problem));
        }
        var open = _rooms
            .Where(r => r.Options is { Private: false } && !r.Full && r.Seated.Count < r.Capacity && Matches(r.Options.Properties, filter))
            .ToList();
        var page = open
            .Skip(Math.Max(0, offset))
            .Take(Math.Clamp(limit, 0, 100))
            .Select(r => new LobbyRoom(r.RoomId, r.Seated.Count, r.Capacity, r.Options!.Properties, r.Metadata))
            .ToArray();
        return Task.FromResult(new LobbyPage(page, open.Count));
    }

    /// <summary>A new room's entry, with the type's live capacity (designers may have changed it), not the game's default.</summary>
    private async Task<Entry> NewRoomAsync(RoomOptions options, string? roomId = null)
    {
        var settings = await GrainFactory.GetGrain<IRoomTypeGrain>(RoomType).GetEffective().ConfigureAwait(true);
        catalog.TryGet(RoomType, out var game);
        return new Entry(roomId ?? RoomIds.New(RoomType), settings?.MaxPlayers ?? game.DefaultSettings.MaxPlayers) { Options = options };
    }

    private static RoomTicket Ticket(Entry room) => new(TicketStatus.Ok, room.RoomId, room.Options);

    private static bool SameProperties(Dictionary<string, string> room, Dictionary<string, string> wanted) =>
        room.Count == wanted.Count && wanted.All(w => room.TryGetValue(w.Key, out var value) && value == w.Value);

    /// <summary>True when the room has every filtered value (names and values ignoring case).</summary>
    private static bool Matches(Dictionary<string, string> room, Dictionary<string, string>? filter) =>
        filter is null || filter.All(f => room.Any(p => string.Equals(p.Key, f.Key, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.Value, f.Value, StringComparison.OrdinalIgnoreCase)));

    public Task RoomUpdated(RoomStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var room = Find(status.RoomId);
        if (room is null)
        {
            room = new Entry(status.RoomId, status.Capacity);
            _rooms.Add(room);
        }
        else if (room.Activation == status.Activation && status.Sequence <= room.Sequence)
        {
            return Task.CompletedTask; // overtaken by a newer status of the same activation
        }
        room.Activation = status.Activation;
        room.Sequence = status.Sequence;
        room.Capacity = status.Capacity;
        room.Options = status.Options ?? room.Options;
        room.Metadata = status.Metadata ?? room.Metadata;
        foreach (var gone in room.Seated.Where(p => Array.IndexOf(status.PlayerIds, p) < 0).ToList())
        {
            room.Seated.Remove(gone);
            Forget(room, gone);
        }
        foreach (var player in status.PlayerIds)
        {
            room.Seated.Add(player);
            room.Reservations.Remove(player);
            if (_players.TryGetValue(player, out var other) && other != room)
            {
                // Seated here by id while matched elsewhere: this seat is real, the other only a reservation.
                other.Reservations.Remove(player);
            }
            _players[player] = room;
        }
        // The room's own count is the truth: a room that refused a join as full is open again once it reports a free seat.
        room.Full = room.Seated.Count >= room.Capacity;
        return Task.CompletedTask;
    }

    public Task RoomFull(string roomId)
    {
        var room = Find(roomId);
        if (room is not null)
        {
            room.Full = true;
            foreach (var player in room.Reservations.Keys)
            {
                Forget(room, player);
            }
            room.Reservations.Clear();
        }
        return Task.CompletedTask;
    }

    public Task RoomClosed(string roomId)
    {
        var room = Find(roomId);
        if (room is not null)
        {
            _rooms.Remove(room);
            foreach (var player in room.Seated.Concat(room.Reservations.Keys))
            {
                Forget(room, player);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RoomOccupancy>> GetRooms() => Task.FromResult<IReadOnlyList<RoomOccupancy>>(
        _rooms.Select(r => new RoomOccupancy(r.RoomId, r.Seated.Count, r.Reservations.Count, r.Capacity)).ToArray());

    private Entry? Find(string roomId) => _rooms.Find(r => r.RoomId == roomId);

    private void Reserve(Entry room, string playerId, DateTime now)
    {
        room.Reservations[playerId] = now;
        _players[playerId] = room;
    }

    /// <summary>Drops the player's entry if it points at <paramref name="room"/> (a newer one elsewhere stays).</summary>
    private void Forget(Entry room, string playerId)
    {
        if (_players.TryGetValue(playerId, out var held) && held == room)
        {
            _players.Remove(playerId);
        }
    }

    private void ExpireReservations(Entry room, DateTime now)
    {
        List<string>? expired = null;
        foreach (var (player, at) in room.Reservations)
        {
            if (now - at > s_reservationExpiry)
            {
                (expired ??= []).Add(player);
            }
        }
        foreach (var player in expired ?? [])
        {
            room.Reservations.Remove(player);
            if (!room.Seated.Contains(player))
            {
                Forget(room, player);
            }
        }
    }

    private sealed class Entry(string roomId, int capacity)
    {
        public string RoomId { get; } = roomId;
        public int Capacity { get; set; } = capacity;
        public bool Full { get; set; }
        public long Activation { get; set; }
        public long Sequence { get; set; } = -1;
        /// <summary>Private or not, and its properties; null for a room learnt from an older status without them.</summary>
        public RoomOptions? Options { get; set; }
        public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
        public HashSet<string> Seated { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTime> Reservations { get; } = new(StringComparer.Ordinal);
    }
}

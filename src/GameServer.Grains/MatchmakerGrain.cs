using GameServer.Abstractions;
using GameServer.Simulation;

namespace GameServer.Grains;

/// <summary>
/// Join-or-create for one room type: sends players to the oldest open room with a free seat (counting seats reserved
/// for players still on their way), and opens a new room when all are full. A player who already holds a seat, or a
/// reservation, in one of this type's rooms is sent back to that room, so one player never gets two seats of a type;
/// the room itself hands the seat to the newer connection. What rooms hold is learnt from their status reports (after
/// every join and leave, and every few seconds), so a matchmaker that lost its memory with its silo relearns it.
/// </summary>
internal sealed class MatchmakerGrain(GameCatalog catalog) : Grain, IMatchmakerGrain
{
    // A reservation whose player never arrives (edge died mid-join) frees its seat after this.
    private static readonly TimeSpan s_reservationExpiry = TimeSpan.FromSeconds(15);

    private readonly List<Entry> _rooms = new();

    // Where each player has a seat or a reservation: the room that holds them, for their next join.
    private readonly Dictionary<string, Entry> _players = new(StringComparer.Ordinal);

    public async Task<string?> FindRoom(string playerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        var roomType = this.GetPrimaryKeyString();
        if (!catalog.TryGet(roomType, out var game))
        {
            return null;
        }
        var now = DateTime.UtcNow;
        if (_players.TryGetValue(playerId, out var held))
        {
            if (held.Reservations.ContainsKey(playerId))
            {
                held.Reservations[playerId] = now; // on the way again: keep the seat for another expiry period
            }
            return held.RoomId;
        }
        foreach (var room in _rooms)
        {
            ExpireReservations(room, now);
            if (!room.Full && room.Seated.Count + room.Reservations.Count < room.Capacity)
            {
                Reserve(room, playerId, now);
                return room.RoomId;
            }
        }
        // A new room starts with the type's live capacity (designers may have changed it), not the game's default.
        var settings = await GrainFactory.GetGrain<IRoomTypeGrain>(roomType).GetEffective().ConfigureAwait(true);
        if (_players.TryGetValue(playerId, out held))
        {
            return held.RoomId; // another join of this player found a room while this one waited
        }
        var created = new Entry(RoomIds.New(roomType), settings?.MaxPlayers ?? game.DefaultSettings.MaxPlayers);
        _rooms.Add(created);
        Reserve(created, playerId, now);
        return created.RoomId;
    }

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
        public HashSet<string> Seated { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTime> Reservations { get; } = new(StringComparer.Ordinal);
    }
}

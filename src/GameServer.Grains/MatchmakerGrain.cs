using GameServer.Abstractions;
using GameServer.Simulation;

namespace GameServer.Grains;

/// <summary>
/// Join-or-create for one room type: sends players to the oldest open room with a free seat (counting seats reserved
/// for players still on their way), and opens a new room when all are full.
/// </summary>
internal sealed class MatchmakerGrain(GameCatalog catalog) : Grain, IMatchmakerGrain
{
    // A reservation whose player never arrives (edge died mid-join) frees its seat after this.
    private static readonly TimeSpan s_reservationExpiry = TimeSpan.FromSeconds(15);

    private readonly List<Entry> _rooms = new();

    public async Task<string?> FindRoom()
    {
        var roomType = this.GetPrimaryKeyString();
        if (!catalog.TryGet(roomType, out var game))
        {
            return null;
        }
        var now = DateTime.UtcNow;
        foreach (var room in _rooms)
        {
            room.ExpireReservations(now);
            if (!room.Full && room.Players + room.Reservations.Count < room.Capacity)
            {
                room.Reservations.Enqueue(now);
                return room.RoomId;
            }
        }
        // A new room starts with the type's live capacity (designers may have changed it), not the game's default.
        var settings = await GrainFactory.GetGrain<IRoomTypeGrain>(roomType).GetEffective().ConfigureAwait(true);
        var created = new Entry(RoomIds.New(roomType), settings?.MaxPlayers ?? game.DefaultSettings.MaxPlayers);
        created.Reservations.Enqueue(now);
        _rooms.Add(created);
        return created.RoomId;
    }

    public Task RoomUpdated(string roomId, int players, int capacity, bool joined)
    {
        var room = Find(roomId);
        if (room is null)
        {
            room = new Entry(roomId, capacity);
            _rooms.Add(room);
        }
        room.Capacity = capacity;
        if (joined)
        {
            // Orleans does not promise that one-way calls arrive in the order sent: a join's older count arriving after
            // a newer one would undercount the room by a player and let the matchmaker reserve a seat the room does not
            // have (a player then gets RoomFull). Counting high until the next update only opens a new room sooner.
            room.Players = Math.Max(room.Players, players);
            room.Reservations.TryDequeue(out _);
        }
        else
        {
            room.Players = players;
            room.Full = false;
        }
        return Task.CompletedTask;
    }

    public Task RoomFull(string roomId)
    {
        var room = Find(roomId);
        if (room is not null)
        {
            room.Full = true;
            room.Reservations.Clear();
        }
        return Task.CompletedTask;
    }

    public Task RoomClosed(string roomId)
    {
        _rooms.RemoveAll(r => r.RoomId == roomId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RoomOccupancy>> GetRooms() => Task.FromResult<IReadOnlyList<RoomOccupancy>>(
        _rooms.Select(r => new RoomOccupancy(r.RoomId, r.Players, r.Reservations.Count, r.Capacity)).ToArray());

    private Entry? Find(string roomId) => _rooms.Find(r => r.RoomId == roomId);

    private sealed class Entry(string roomId, int capacity)
    {
        public string RoomId { get; } = roomId;
        public int Capacity { get; set; } = capacity;
        public int Players { get; set; }
        public bool Full { get; set; }
        public Queue<DateTime> Reservations { get; } = new();

        public void ExpireReservations(DateTime now)
        {
            while (Reservations.TryPeek(out var at) && now - at > s_reservationExpiry)
            {
                Reservations.Dequeue();
            }
        }
    }
}

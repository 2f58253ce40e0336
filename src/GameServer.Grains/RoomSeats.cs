using System.Security.Cryptography;
using System.Text;
using GameServer.Simulation;

namespace GameServer.Grains;

/// <summary>
/// Who sits in which entity of a room, and the resume bookkeeping that lets a player come back to the same entity from
/// any edge: resume tokens, generations (a resume elsewhere takes the seat over), and the grace window a disconnected
/// seat is kept for. Times are <see cref="Environment.TickCount64"/> milliseconds, passed in. The game's own side of a
/// join or leave (the entity) is the runtime's; this only keeps the seats in step with it.
/// </summary>
internal sealed class RoomSeats
{
    /// <summary>
    /// A seat no edge has renewed for this long counts as disconnected from its last renewal: its edge died without
    /// saying so. Edges renew every few seconds (<c>Edge:ResubscribeIntervalSeconds</c>, at most 10).
    /// </summary>
    internal const long HoldTimeoutMs = 15_000;

    private readonly Dictionary<int, RoomSeat> _seats = new();

    public int Count => _seats.Count;

    /// <summary>Seats waiting for their player to resume.</summary>
    public int DisconnectedCount => _seats.Values.Count(s => s.DisconnectedAt is not null);

    public RoomSeat? Find(int entityId) => _seats.GetValueOrDefault(entityId);

    /// <summary>Seats a player in the entity the runtime just gave them, with a fresh token.</summary>
    public RoomSeat Add(int entityId, string playerId, long nowMs)
    {
        var seat = new RoomSeat(playerId, NewResumeToken(), 1) { LastHeldAt = nowMs };
        _seats[entityId] = seat;
        return seat;
    }

    /// <summary>The entity of <paramref name="playerId"/>'s seat, or null when they have none here.</summary>
    public int? FindPlayer(string playerId)
    {
        foreach (var (entityId, seat) in _seats)
        {
            if (seat.PlayerId == playerId)
            {
                return entityId;
            }
        }
        return null;
    }

    /// <summary>Who holds the seats, connected or not, for the matchmaker.</summary>
    public string[] PlayerIds() => [.. _seats.Values.Select(s => s.PlayerId)];

    /// <summary>
    /// The player joined again on another connection: the seat gets a new token and the next generation (the older
    /// connection is taken over), counts as connected, and takes inputs only from this generation on.
    /// </summary>
    public RoomSeat TakeOver(int entityId, long nowMs)
    {
        var seat = _seats[entityId];
        seat.Token = NewResumeToken();
        seat.Generation++;
        seat.InputsFromGeneration = seat.Generation;
        seat.DisconnectedAt = null;
        seat.LastHeldAt = nowMs;
        return seat;
    }

    /// <summary>False for an input sent by a connection whose seat was taken over since (a generation before the takeover's).</summary>
    public bool AcceptsInputFrom(int entityId, int generation) =>
        !_seats.TryGetValue(entityId, out var seat) || generation >= seat.InputsFromGeneration;

    /// <summary>Frees an entity's seat (its player left or is gone for good); null if it had none.</summary>
    public RoomSeat? Remove(int entityId) => _seats.Remove(entityId, out var seat) ? seat : null;

    /// <summary>
    /// A player comes back with their token. On success the seat gets a new token and the next generation, so the
    /// connection that held it before (if still open somewhere) is taken over and its disconnect will be ignored.
    /// </summary>
    public SeatResume Resume(string playerId, string? resumeToken, long nowMs)
    {
        var (entityId, seat) = _seats.FirstOrDefault(s => s.Value.PlayerId == playerId);
        if (seat is null)
        {
            return new SeatResume(SeatResumeStatus.NoSeat, 0, null, WasDisconnected: false);
        }
        // Constant time: how much of a token matched must not leak through how long the refusal took.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(seat.Token), Encoding.UTF8.GetBytes(resumeToken ?? "")))
        {
            return new SeatResume(SeatResumeStatus.WrongToken, entityId, seat, WasDisconnected: false);
        }
        var wasDisconnected = seat.DisconnectedAt is not null;
        seat.Token = NewResumeToken();
        seat.Generation++;
        seat.DisconnectedAt = null;
        seat.LastHeldAt = nowMs;
        return new SeatResume(SeatResumeStatus.Resumed, entityId, seat, wasDisconnected);
    }

    /// <summary>
    /// The connection of <paramref name="generation"/> dropped. Ignored when the seat is gone, already disconnected, or
    /// was resumed since (a newer generation holds it). With no grace window the caller releases it at once; otherwise the
    /// seat waits for a resume from now.
    /// </summary>
    public SeatDisconnect Disconnect(int entityId, int generation, double reconnectGraceSeconds, long nowMs)
    {
        if (!_seats.TryGetValue(entityId, out var seat) || seat.Generation != generation || seat.DisconnectedAt is not null)
        {
            return new SeatDisconnect(SeatDisconnectStatus.Ignored, null);
        }
        if (reconnectGraceSeconds <= 0)
        {
            return new SeatDisconnect(SeatDisconnectStatus.Release, seat);
        }
        seat.DisconnectedAt = nowMs;
        return new SeatDisconnect(SeatDisconnectStatus.Held, seat);
    }

    /// <summary>An edge vouches that these entities' players are still connected to it.</summary>
    public void Renew(IEnumerable<int> heldEntities, long nowMs)
    {
        foreach (var entityId in heldEntities)
        {
            if (_seats.TryGetValue(entityId, out var seat) && seat.DisconnectedAt is null)
            {
                seat.LastHeldAt = nowMs;
            }
        }
    }

    /// <summary>
    /// The seats to release now: their player has been gone for the grace window. A seat no edge renewed within
    /// <see cref="HoldTimeoutMs"/> counts as gone since its last renewal. Null if none.
    /// </summary>
    public List<int>? Expired(double reconnectGraceSeconds, long nowMs)
    {
        var graceMs = (long)(reconnectGraceSeconds * 1000);
        List<int>? expired = null;
        foreach (var (entityId, seat) in _seats)
        {
            if (seat.DisconnectedAt is null && nowMs - seat.LastHeldAt > HoldTimeoutMs)
            {
                // No edge has vouched for this seat lately: its edge died. The player has been gone since then.
                seat.DisconnectedAt = seat.LastHeldAt;
            }
            if (seat.DisconnectedAt is { } since && nowMs - since >= graceMs)
            {
                (expired ??= []).Add(entityId);
            }
        }
        return expired;
    }

    /// <summary>A player's seat as a checkpoint saves it: how long they have been gone, not since when (clocks differ between silos).</summary>
    public SeatCheckpoint Save(PlayerProgress player, long nowMs)
    {
        var seat = _seats.GetValueOrDefault(player.EntityId) ?? new RoomSeat("?", "", 1);
        return new SeatCheckpoint(player.EntityId, player.LastProcessedSeq, seat.PlayerId, seat.Token, seat.Generation,
            seat.DisconnectedAt is { } since ? nowMs - since : null, seat.Role, player.View);
    }

    /// <summary>Seats from a checkpoint another activation saved.</summary>
    public void Restore(IEnumerable<SeatCheckpoint> saved, long nowMs)
    {
        foreach (var seat in saved)
        {
            // Connected seats count as held from now: their edges re-subscribe within the hold timeout.
            _seats[seat.EntityId] = new RoomSeat(seat.PlayerId, seat.ResumeToken, seat.Generation)
            {
                LastHeldAt = nowMs,
                // Older connections were closed before the checkpoint (a takeover closes them with 4004).
                InputsFromGeneration = seat.Generation,
                DisconnectedAt = seat.DisconnectedForMs is { } gone ? nowMs - gone : null,
                Role = seat.Role,
            };
        }
    }

    private static string NewResumeToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

namespace GameServer.Grains;

/// <summary>The outcome of <see cref="RoomSeats.Resume"/>: the seat (when found) and whether its player had been gone.</summary>
internal readonly record struct SeatResume(SeatResumeStatus Status, int EntityId, RoomSeat? Seat, bool WasDisconnected);

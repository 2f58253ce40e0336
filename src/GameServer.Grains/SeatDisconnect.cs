namespace GameServer.Grains;

/// <summary>The outcome of <see cref="RoomSeats.Disconnect"/>, with the seat it concerns (null when ignored).</summary>
internal readonly record struct SeatDisconnect(SeatDisconnectStatus Status, RoomSeat? Seat);

namespace GameServer.Grains;

/// <summary>
/// How a silo spreads its rooms' ticks over a tick interval: section <c>RoomTicks</c>. Rooms of one tick rate share
/// <see cref="Phases"/> evenly spaced instants per tick (a room's phase comes from its id), so their timers, snapshots
/// and the edge's input flushes run in a few wakes of the process instead of one wake per room.
/// </summary>
public sealed class RoomTickOptions
{
    public const string SectionName = "RoomTicks";

    public const int MaxPhases = 1000;

    /// <summary>
    /// Instants per tick interval the rooms tick at. Fewer phases mean fewer thread wakes (less CPU per player) and
    /// bigger bursts (each phase's rooms tick and send back to back, which adds latency); 0 gives every room a phase of
    /// its own (it ticks one interval after its first player). Default 4.
    /// </summary>
    public int Phases { get; set; } = 4;
}

namespace GameServer.Simulation;

/// <summary>How a room ticks. Immutable; a change replaces the whole record at a tick boundary.</summary>
public sealed record RoomSettings
{
    /// <summary>Simulation steps per second. Default 20.</summary>
    public int TickRateHz { get; init; } = 20;

    /// <summary>A snapshot is produced every this many ticks. Default 1 (every tick).</summary>
    public int SnapshotEveryTicks { get; init; } = 1;

    /// <summary>Room capacity. Default 8.</summary>
    public int MaxPlayers { get; init; } = 8;

    /// <summary>Inputs queued per player between ticks; beyond it the oldest is dropped. Default 32.</summary>
    public int InputQueueCapacity { get; init; } = 32;

    /// <summary>Most steps run in one timer callback when the room is late; later ticks are skipped and counted. Default 3.</summary>
    public int MaxCatchUpSteps { get; init; } = 3;

    /// <summary>An empty room closes after this many seconds. Default 30.</summary>
    public double EmptyRoomGraceSeconds { get; init; } = 30;

    /// <summary>The fixed step, 1 / <see cref="TickRateHz"/>.</summary>
    public TimeSpan TickInterval => TimeSpan.FromSeconds(1.0 / TickRateHz);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate(string roomType)
    {
        Check(TickRateHz is >= 1 and <= 120, nameof(TickRateHz), TickRateHz, "1–120");
        Check(SnapshotEveryTicks is >= 1 and <= 60, nameof(SnapshotEveryTicks), SnapshotEveryTicks, "1–60");
        Check(MaxPlayers is >= 1 and <= 256, nameof(MaxPlayers), MaxPlayers, "1–256");
        Check(InputQueueCapacity is >= 1 and <= 1024, nameof(InputQueueCapacity), InputQueueCapacity, "1–1024");
        Check(MaxCatchUpSteps is >= 1 and <= 20, nameof(MaxCatchUpSteps), MaxCatchUpSteps, "1–20");
        Check(EmptyRoomGraceSeconds is >= 0 and <= 3600, nameof(EmptyRoomGraceSeconds), EmptyRoomGraceSeconds, "0–3600");

        void Check(bool ok, string field, object value, string range)
        {
            if (!ok)
            {
                throw new ArgumentException($"Room type '{roomType}': {field} = {value} is out of range; allowed {range}.", field);
            }
        }
    }
}

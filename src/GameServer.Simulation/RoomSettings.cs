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

    /// <summary>A disconnected player's seat and entity are kept this long for them to resume. Default 30.</summary>
    public double ReconnectGraceSeconds { get; init; } = 30;

    /// <summary>The room saves a checkpoint to grain storage this often (and when it deactivates). Default 1.</summary>
    public double CheckpointIntervalSeconds { get; init; } = 1;

    /// <summary>The fixed step, 1 / <see cref="TickRateHz"/>.</summary>
    public TimeSpan TickInterval => TimeSpan.FromSeconds(1.0 / TickRateHz);

    /// <summary>Allowed range of each field, for validation messages and the admin page.</summary>
    public static IReadOnlyList<TunableDefinition> Fields { get; } =
    [
        new(nameof(TickRateHz), 20, 1, 120, "Hz", "Simulation steps per second: higher feels more responsive and costs CPU and bandwidth in proportion."),
        new(nameof(SnapshotEveryTicks), 1, 1, 60, "ticks", "Send a snapshot every Nth tick: higher saves bandwidth and makes clients interpolate over longer gaps."),
        new(nameof(MaxPlayers), 8, 1, 256, "players", "Room capacity for new joins; lowering it never removes players already in."),
        new(nameof(InputQueueCapacity), 32, 1, 1024, "inputs", "Inputs kept per player between ticks (oldest dropped beyond it); applies to players who join after a change."),
        new(nameof(MaxCatchUpSteps), 3, 1, 20, "steps", "Most steps run at once when the room is late; later ones are skipped."),
        new(nameof(EmptyRoomGraceSeconds), 30, 0, 3600, "s", "How long an empty room waits for a player before it closes."),
        new(nameof(ReconnectGraceSeconds), 30, 0, 3600, "s", "How long a disconnected player's seat and entity wait for them to resume; 0 releases the seat at once."),
        new(nameof(CheckpointIntervalSeconds), 1, 0.05, 60, "s", "How often the room saves its state to storage: at most this much game time is lost when a silo dies; shorter costs storage writes."),
    ];

    /// <summary>Every field out of range, as (field, message naming the room type, value and range).</summary>
    public IEnumerable<(string Field, string Message)> Errors(string roomType)
    {
        foreach (var field in Fields)
        {
            var problem = field.Check(Value(field.Name));
            if (problem is not null)
            {
                yield return (field.Name, $"Room type '{roomType}': {problem}");
            }
        }
    }

    /// <summary>A field's value by name (see <see cref="Fields"/>).</summary>
    public double Value(string field) => field switch
    {
        nameof(TickRateHz) => TickRateHz,
        nameof(SnapshotEveryTicks) => SnapshotEveryTicks,
        nameof(MaxPlayers) => MaxPlayers,
        nameof(InputQueueCapacity) => InputQueueCapacity,
        nameof(MaxCatchUpSteps) => MaxCatchUpSteps,
        nameof(EmptyRoomGraceSeconds) => EmptyRoomGraceSeconds,
        nameof(ReconnectGraceSeconds) => ReconnectGraceSeconds,
        nameof(CheckpointIntervalSeconds) => CheckpointIntervalSeconds,
        _ => throw new ArgumentException($"Unknown room setting '{field}'.", nameof(field)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate(string roomType)
    {
        foreach (var (field, message) in Errors(roomType))
        {
            throw new ArgumentException(message, field);
        }
    }
}

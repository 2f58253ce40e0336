using System.Diagnostics.Metrics;

namespace GameServer.Grains;

/// <summary>
/// The room grains' instruments (meter <c>GameServer.Rooms</c>), tagged with the room type. Recorded once per room per
/// tick, never per player, so they cost nothing that grows with the player count.
/// </summary>
internal sealed class RoomMetrics
{
    /// <summary>Name of the meter; exporters subscribe to it (or to <c>GameServer.*</c>).</summary>
    public const string MeterName = "GameServer.Rooms";

    /// <summary>The tag naming the room type on every instrument.</summary>
    public const string RoomTypeTag = "gameserver.room.type";

    // Ticks take microseconds and lateness a few milliseconds: the default buckets (made for milliseconds) would lump them all in one.
    private static readonly IReadOnlyList<double> s_secondsBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

    private readonly Histogram<double> _tickDuration;
    private readonly Histogram<double> _tickLateness;
    private readonly Counter<long> _ticks;
    private readonly Counter<long> _skippedTicks;
    private readonly UpDownCounter<long> _activeRooms;
    private readonly UpDownCounter<long> _players;
    private readonly Counter<long> _inputs;
    private readonly Counter<long> _snapshots;
    private readonly Counter<long> _snapshotBytes;
    private readonly Counter<long> _checkpoints;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _restores;
    private readonly Histogram<double> _restoredCheckpointAge;
    private readonly Counter<long> _resumes;

    public RoomMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        var secondsAdvice = new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondsBuckets };
        _tickDuration = meter.CreateHistogram("gameserver.room.tick.duration", "s",
            "Time a room's tick took: the simulation steps it ran and the snapshot it wrote.", advice: secondsAdvice);
        _tickLateness = meter.CreateHistogram("gameserver.room.tick.lateness", "s",
            "How late a room's tick timer fired after the step boundary it aimed at.", advice: secondsAdvice);
        _ticks = meter.CreateCounter<long>("gameserver.room.ticks", "{tick}", "Simulation steps run.");
        _skippedTicks = meter.CreateCounter<long>("gameserver.room.ticks.skipped", "{tick}",
            "Simulation steps dropped because a room fell further behind than its catch-up limit.");
        _activeRooms = meter.CreateUpDownCounter<long>("gameserver.rooms.active", "{room}", "Rooms open on this silo.");
        _players = meter.CreateUpDownCounter<long>("gameserver.room.players", "{player}", "Players seated in rooms on this silo.");
        _inputs = meter.CreateCounter<long>("gameserver.room.inputs", "{input}",
            "Player inputs by outcome: applied, rejected (by the game's validator), dropped (queue full) or stale (old sequence).");
        _snapshots = meter.CreateCounter<long>("gameserver.room.snapshots", "{snapshot}", "Snapshots serialized (once per room per snapshot tick).");
        _snapshotBytes = meter.CreateCounter<long>("gameserver.room.snapshot.size", "By", "Bytes of snapshots serialized.");
        _checkpoints = meter.CreateCounter<long>("gameserver.room.checkpoints", "{checkpoint}",
            "Room checkpoints saved to grain storage, by outcome (ok, failed).");
        _checkpointDuration = meter.CreateHistogram("gameserver.room.checkpoint.duration", "s",
            "Time a checkpoint write to grain storage took.", advice: secondsAdvice);
        _restores = meter.CreateCounter<long>("gameserver.room.restores", "{room}",
            "Rooms that continued from a checkpoint in a new activation (their silo died or shut down).");
        _restoredCheckpointAge = meter.CreateHistogram<double>("gameserver.room.restore.checkpoint_age", "s",
            "Wall-clock age of the checkpoint a room was restored from: outage plus up to one checkpoint interval.");
        _resumes = meter.CreateCounter<long>("gameserver.room.resumes", "{resume}",
            "Resume attempts by outcome: resumed, expired (seat released), rejected (bad token).");
    }

    public void RoomOpened(string roomType) => _activeRooms.Add(1, Tag(roomType));

    public void RoomClosed(string roomType, int playersLeft)
    {
        _activeRooms.Add(-1, Tag(roomType));
        if (playersLeft > 0)
        {
            _players.Add(-playersLeft, Tag(roomType));
        }
    }

    public void PlayerJoined(string roomType) => _players.Add(1, Tag(roomType));

    public void PlayerLeft(string roomType) => _players.Add(-1, Tag(roomType));

    public void Ticked(string roomType, int steps, long skipped, TimeSpan duration, TimeSpan lateness)
    {
        var tag = Tag(roomType);
        _tickDuration.Record(duration.TotalSeconds, tag);
        _tickLateness.Record(Math.Max(0, lateness.TotalSeconds), tag);
        if (steps > 0)
        {
            _ticks.Add(steps, tag);
        }
        if (skipped > 0)
        {
            _skippedTicks.Add(skipped, tag);
        }
    }

    public void InputsProcessed(string roomType, long applied, long rejected, long dropped, long stale)
    {
        Add(_inputs, applied, roomType, "applied");
        Add(_inputs, rejected, roomType, "rejected");
        Add(_inputs, dropped, roomType, "dropped");
        Add(_inputs, stale, roomType, "stale");
    }

    public void SnapshotWritten(string roomType, int bytes)
    {
        var tag = Tag(roomType);
        _snapshots.Add(1, tag);
        _snapshotBytes.Add(bytes, tag);
    }

    public void CheckpointWritten(string roomType, TimeSpan duration, bool ok)
    {
        _checkpoints.Add(1, Tag(roomType), new KeyValuePair<string, object?>("gameserver.checkpoint.outcome", ok ? "ok" : "failed"));
        _checkpointDuration.Record(duration.TotalSeconds, Tag(roomType));
    }

    public void Restored(string roomType, TimeSpan checkpointAge)
    {
        _restores.Add(1, Tag(roomType));
        _restoredCheckpointAge.Record(Math.Max(0, checkpointAge.TotalSeconds), Tag(roomType));
    }

    public void Resumed(string roomType) => _resumes.Add(1, Tag(roomType), new KeyValuePair<string, object?>("gameserver.resume.outcome", "resumed"));

    /// <summary>A player's second Join took their seat over (counted with the resumes, outcome <c>taken_over</c>).</summary>
    public void SeatTakenOver(string roomType) => _resumes.Add(1, Tag(roomType), new KeyValuePair<string, object?>("gameserver.resume.outcome", "taken_over"));

    public void ResumeRefused(string roomType, string outcome) =>
        _resumes.Add(1, Tag(roomType), new KeyValuePair<string, object?>("gameserver.resume.outcome", outcome));

    private static void Add(Counter<long> counter, long value, string roomType, string outcome)
    {
        if (value > 0)
        {
            counter.Add(value, Tag(roomType), new KeyValuePair<string, object?>("gameserver.input.outcome", outcome));
        }
    }

    private static KeyValuePair<string, object?> Tag(string roomType) => new(RoomTypeTag, roomType);
}

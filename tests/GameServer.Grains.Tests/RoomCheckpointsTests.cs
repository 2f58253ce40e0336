using Microsoft.Extensions.Logging.Abstractions;

namespace GameServer.Grains.Tests;

public sealed class RoomCheckpointsTests : IDisposable
{
    // 1 s at 20 Hz with writes under a tick: a save starts every 18 ticks (CheckpointCadence).
    private const double IntervalSeconds = 1;
    private const int TickRateHz = 20;
    private const long Cadence = 18;

    private readonly TestMeterFactory _meters = new();
    private readonly FakeCheckpointStorage _storage = new();
    private readonly RoomCheckpoints _checkpoints;

    public RoomCheckpointsTests()
    {
        _checkpoints = new RoomCheckpoints(_storage, new RoomMetrics(_meters), NullLogger.Instance, "arena:test", "arena");
    }

    public void Dispose() => _meters.Dispose();

    private static RoomCheckpoint At(long tick, int seats = 1) => new()
    {
        Tick = tick,
        Seats = Enumerable.Range(1, seats).Select(e => new SeatCheckpoint(e, 0, $"p{e}", "token", 1, null)).ToArray(),
    };

    private bool IsDue(long tick) => _checkpoints.IsDue(tick, IntervalSeconds, TickRateHz);

    [Fact]
    public void ACheckpointIsDue_EveryCadenceTicks_CountedFromTheLastOneTaken()
    {
        Assert.False(IsDue(Cadence - 1));
        Assert.True(IsDue(Cadence));

        _checkpoints.Start(At(Cadence), TickRateHz);

        Assert.False(IsDue(2 * Cadence - 1));
        Assert.True(IsDue(2 * Cadence));
    }

    [Fact]
    public void Start_WritesTheCheckpointToStorage_AndCountsIt()
    {
        _checkpoints.Start(At(Cadence), TickRateHz);

        Assert.Equal([Cadence], _storage.WrittenTicks);
        Assert.Equal(1, _checkpoints.Written);
        Assert.Equal(Cadence, _checkpoints.LastWrittenTick);
        Assert.Equal(-1, _checkpoints.RestoredFromTick);
    }

    [Fact]
    public async Task WhileAWriteIsInFlight_TheNextIsSkippedNotQueued()
    {
        var slowStorage = new TaskCompletionSource();
        _storage.NextWriteGate = slowStorage.Task;
        _checkpoints.Start(At(Cadence), TickRateHz);

        var dueWhileWriting = IsDue(10 * Cadence);
        slowStorage.SetResult();
        await _checkpoints.WhenWrittenAsync();

        Assert.False(dueWhileWriting);
        Assert.True(IsDue(10 * Cadence));
        Assert.Equal(Cadence, _checkpoints.LastWrittenTick);
    }

    [Fact]
    public async Task AFailedWrite_IsNotCounted_AndTheNextCheckpointTriesAgain()
    {
        _storage.NextWriteGate = Task.FromException(new TimeoutException("storage down"));

        _checkpoints.Start(At(Cadence), TickRateHz);
        await _checkpoints.WhenWrittenAsync();

        Assert.Equal(0, _checkpoints.Written);
        Assert.Equal(-1, _checkpoints.LastWrittenTick);
        Assert.True(IsDue(2 * Cadence));
        Assert.DoesNotContain("read", _storage.Calls);
    }

    [Fact]
    public async Task AWriteRefusedForAStaleETag_ReReadsTheRecordForTheNextWrite()
    {
        _storage.NextWriteGate = Task.FromException(new Orleans.Storage.InconsistentStateException("etag moved on"));

        _checkpoints.Start(At(Cadence), TickRateHz);
        await _checkpoints.WhenWrittenAsync();

        Assert.Equal(["write", "read"], _storage.Calls);
    }

    [Theory]
    [InlineData(false, 1, false)]
    [InlineData(true, 0, false)]
    [InlineData(true, 2, true)]
    public void Saved_IsTheStoredGame_OnlyIfItHasSeats(bool recordExists, int seats, bool expectSaved)
    {
        _storage.RecordExists = recordExists;
        _storage.State = At(100, seats);

        Assert.Equal(expectSaved, _checkpoints.Saved is not null);
    }

    [Fact]
    public void Restored_CountsTheCadenceFromTheRestoredTick_AndGivesTheCheckpointsAge()
    {
        var saved = At(100);
        saved.SavedAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        var age = _checkpoints.Restored(saved, saved.SavedAt.AddMilliseconds(750));

        Assert.Equal(TimeSpan.FromMilliseconds(750), age);
        Assert.Equal((100, 100), (_checkpoints.RestoredFromTick, _checkpoints.LastWrittenTick));
        Assert.False(IsDue(100 + Cadence - 1));
        Assert.True(IsDue(100 + Cadence));
    }

    [Fact]
    public async Task Forget_WaitsForTheWriteInFlight_ThenClearsTheRecord()
    {
        _storage.RecordExists = true; // an earlier checkpoint
        var slowStorage = new TaskCompletionSource();
        _storage.NextWriteGate = slowStorage.Task;
        _checkpoints.Start(At(Cadence), TickRateHz);

        var forget = _checkpoints.ForgetAsync();
        var clearedBeforeTheWriteLanded = _storage.Calls.Contains("clear");
        slowStorage.SetResult();
        await forget;

        Assert.False(clearedBeforeTheWriteLanded);
        Assert.Equal(["write", "clear"], _storage.Calls);
        Assert.False(_storage.RecordExists);
    }

    [Fact]
    public async Task Forget_WithNothingStored_LeavesStorageAlone()
    {
        await _checkpoints.ForgetAsync();

        Assert.Empty(_storage.Calls);
    }

    [Fact]
    public async Task WriteNow_SavesTheGivenCheckpointAndWaitsForIt()
    {
        await _checkpoints.WriteNowAsync(At(123), TickRateHz);

        Assert.Equal([123L], _storage.WrittenTicks);
        Assert.Equal(123, _storage.State.Tick);
        Assert.Equal(123, _checkpoints.LastWrittenTick);
    }
}

using System.Collections.Concurrent;
using GameServer.Abstractions;
using GameServer.Protocol;

namespace GameServer.Grains.Tests;

/// <summary>An observer standing in for an edge: collects decoded snapshots and lets a test wait on a condition.</summary>
public sealed class SnapshotCollector : IRoomObserver
{
    private readonly ConcurrentQueue<Snapshot> _snapshots = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private readonly ConcurrentQueue<RoomSettingsNotice> _notices = new();

    public IReadOnlyCollection<Snapshot> Snapshots => _snapshots;

    /// <summary>Every frame as the room sent it (all views, events), in arrival order.</summary>
    public ConcurrentQueue<SnapshotFrame> Frames { get; } = new();

    public IReadOnlyCollection<RoomSettingsNotice> SettingsNotices => _notices;

    public Task OnSnapshot(SnapshotFrame frame)
    {
        Frames.Enqueue(frame);
        _snapshots.Enqueue((Snapshot)MessageCodec.DecodeServer(frame.Bytes));
        _arrived.Release();
        return Task.CompletedTask;
    }

    public Task OnSettingsChanged(RoomSettingsNotice notice)
    {
        _notices.Enqueue(notice);
        return Task.CompletedTask;
    }

    /// <summary>Every room close, with the game's reason when the game ended the room.</summary>
    public ConcurrentQueue<(string RoomId, string? Reason)> Closed { get; } = new();

    public Task OnRoomClosed(string roomId, string? reason = null)
    {
        Closed.Enqueue((roomId, reason));
        return Task.CompletedTask;
    }

    /// <summary>Every kick: entity, generation, reason.</summary>
    public ConcurrentQueue<(int EntityId, int Generation, string Reason)> Kicks { get; } = new();

    public Task OnKicked(int entityId, int generation, string reason)
    {
        Kicks.Enqueue((entityId, generation, reason));
        return Task.CompletedTask;
    }

    /// <summary>Every (entity, generation) the room said was resumed.</summary>
    public ConcurrentQueue<(int EntityId, int Generation)> SeatsResumed { get; } = new();

    public int MovingNotices => _moving;

    private int _moving;

    public Task OnSeatResumed(int entityId, int generation)
    {
        SeatsResumed.Enqueue((entityId, generation));
        return Task.CompletedTask;
    }

    public Task OnRoomMoving(string roomId)
    {
        Interlocked.Increment(ref _moving);
        return Task.CompletedTask;
    }

    /// <summary>Waits for a snapshot satisfying <paramref name="condition"/>, failing after <paramref name="timeout"/>.</summary>
    public async Task<Snapshot> WaitForAsync(Func<Snapshot, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var match = _snapshots.FirstOrDefault(condition);
            if (match is not null)
            {
                return match;
            }
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching snapshot within {timeout}; got {_snapshots.Count}, last tick {_snapshots.LastOrDefault()?.Tick}.");
            }
        }
    }
}

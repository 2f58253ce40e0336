using GameServer.Abstractions;

namespace GameServer.Grains.Tests;

/// <summary>
/// A test's <see cref="SnapshotCollector"/> subscribed to a room as an edge would be. Disposing unsubscribes before it
/// deletes the observer reference, as an edge does: a reference deleted while the room still sends to it makes the
/// client log an 'Unexpected target grain' error for every snapshot, into whichever test runs next.
/// </summary>
public sealed class RoomSubscription : IAsyncDisposable
{
    private readonly IClusterClient _client;
    private readonly IRoomGrain _room;

    private RoomSubscription(IClusterClient client, IRoomGrain room, SnapshotCollector collector)
    {
        _client = client;
        _room = room;
        Observer = client.CreateObjectReference<IRoomObserver>(collector);
    }

    public IRoomObserver Observer { get; }

    public static async Task<RoomSubscription> StartAsync(IClusterClient client, IRoomGrain room, SnapshotCollector collector)
    {
        var subscription = new RoomSubscription(client, room, collector);
        await room.Subscribe(subscription.Observer);
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        await _room.Unsubscribe(Observer);
        _client.DeleteObjectReference<IRoomObserver>(Observer);
    }
}

using System.Collections.Concurrent;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Delta snapshots over real sockets: a gameserver.v2 client and a gameserver.v1 client in one room see the same
/// snapshots, the first rebuilt from deltas, the second sent in full; KeyframeRequest works on v2 and is refused on v1.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class DeltaSnapshotTests(HostFixture host)
{
    [Fact]
    public async Task AV2Client_RebuildsFromDeltas_ExactlyTheSnapshotsAV1ClientGetsInFull_WithFewerBytes()
    {
        await using var deltas = host.NewClient(new GameClientOptions { StateDelta = ArenaDelta.Instance });
        await using var full = host.NewClient(new GameClientOptions { DeltaSnapshots = false });
        var rebuilt = new ConcurrentDictionary<long, byte[]>();
        var received = new ConcurrentDictionary<long, byte[]>();
        deltas.SnapshotReceived += s => rebuilt[s.Tick] = MessageCodec.Encode(s);
        full.SnapshotReceived += s => received[s.Tick] = MessageCodec.Encode(s);
        long deltaFrameBytes = 0, fullFrameBytes = 0;
        deltas.SnapshotFrameReceived += (_, length) => Interlocked.Add(ref deltaFrameBytes, length);
        full.SnapshotFrameReceived += (_, length) => Interlocked.Add(ref fullFrameBytes, length);
        await deltas.ConnectAsync(host.WebSocketUri);
        await full.ConnectAsync(host.WebSocketUri);

        var created = await deltas.CreateRoomAsync("arena", isPrivate: true);
        await full.JoinByCodeAsync(created.RoomCode!);
        // Both move all the time, so every delta carries positions, velocities and acks.
        using var moving = new CancellationTokenSource();
        var inputs = Task.WhenAll(SendInputsAsync(deltas, moving.Token), SendInputsAsync(full, moving.Token));
        await Wait.UntilAsync(() => rebuilt.Keys.Intersect(received.Keys).Count() >= 60, "60 ticks seen by both players");
        await moving.CancelAsync();
        await inputs;

        Assert.Equal(ProtocolVersion.SubProtocolV2, deltas.SubProtocol);
        Assert.Equal(ProtocolVersion.SubProtocol, full.SubProtocol);
        var common = rebuilt.Keys.Intersect(received.Keys).ToArray();
        Assert.All(common, tick => Assert.Equal(Convert.ToHexString(received[tick]), Convert.ToHexString(rebuilt[tick])));
        Assert.True(deltas.DeltasReceived >= deltas.SnapshotsReceived - 3, $"{deltas.DeltasReceived} of {deltas.SnapshotsReceived} snapshots came as deltas");
        Assert.Equal(0, deltas.KeyframeRequests);
        Assert.Equal(0, deltas.MalformedFrames);
        Assert.Equal(0, full.DeltasReceived);
        // Two players only, so the fixed part (ticks, time) weighs more than in a full room of eight.
        var deltaBytes = (double)Interlocked.Read(ref deltaFrameBytes) / deltas.SnapshotsReceived;
        var fullBytes = (double)Interlocked.Read(ref fullFrameBytes) / full.SnapshotsReceived;
        Assert.True(deltaBytes < 0.9 * fullBytes, $"{deltaBytes:0.0} bytes per snapshot with deltas against {fullBytes:0.0} in full");
    }

    [Fact]
    public async Task KeyframeRequest_OnV2_MakesTheNextSnapshotAFullOne()
    {
        await using var socket = await RoomSocket.ConnectAsync(host.WebSocketUri, host.Host.NewToken(), ProtocolVersion.SubProtocolV2, ProtocolVersion.SubProtocol);
        Assert.Equal(ProtocolVersion.SubProtocolV2, socket.SubProtocol);
        Assert.IsType<Welcome>(await socket.AskAsync(new Join("arena")));
        Assert.IsType<Snapshot>(await NextSnapshotAsync(socket)); // a new seat starts from a full snapshot
        await WaitForAsync<Delta>(socket);

        await socket.SendAsync(new KeyframeRequest());

        // What was already on its way may be a delta; a full snapshot follows within a few ticks, then deltas again.
        await WaitForAsync<Snapshot>(socket);
        await WaitForAsync<Delta>(socket);
    }

    [Fact]
    public async Task KeyframeRequest_OnV1_IsAnUnknownMessageType()
    {
        await using var socket = await RoomSocket.ConnectAsync(host.WebSocketUri, host.Host.NewToken(), ProtocolVersion.SubProtocol);

        await socket.SendAsync(new KeyframeRequest());

        var error = Assert.IsType<Error>(await socket.ReceiveAsync());
        Assert.Equal(ErrorCode.UnknownMessageType, error.Code);
        Assert.Contains(ProtocolVersion.SubProtocolV2, error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(socket.ReceiveAsync);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    private static async Task<ServerMessage> NextSnapshotAsync(RoomSocket socket)
    {
        while (true)
        {
            var message = await socket.ReceiveAsync();
            if (message is Snapshot or Delta)
            {
                return message;
            }
        }
    }

    private static async Task WaitForAsync<T>(RoomSocket socket)
        where T : ServerMessage
    {
        for (var i = 0; i < 40; i++)
        {
            if (await NextSnapshotAsync(socket) is T)
            {
                return;
            }
        }
        Assert.Fail($"No {typeof(T).Name} within 40 snapshots.");
    }

    private static async Task SendInputsAsync(GameClient client, CancellationToken stop)
    {
        var random = new Random();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await client.SendInputAsync(new ArenaInput((float)((random.NextDouble() * 2) - 1), (float)((random.NextDouble() * 2) - 1)).ToPayload(), stop);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}

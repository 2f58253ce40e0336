using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.ConsoleClient;

/// <summary>One short game: join the arena, send inputs at the arena's 20 Hz until they are acknowledged, leave.</summary>
internal static class ArenaRun
{
    public static async Task<ArenaRunResult> PlayAsync(Uri server, string token, int inputs, CancellationToken cancellationToken)
    {
        // Delta snapshots (gameserver.v2): the SDK rebuilds each full snapshot from the arena's deltas.
        await using var client = new GameClient(new GameClientOptions { AccessToken = token, StateDelta = ArenaDelta.Instance });
        Snapshot? latest = null;
        client.SnapshotReceived += snapshot => latest = snapshot;
        // The game's events (the arena sends none; other games do), one line each as they come.
        client.GameEventReceived += gameEvent => Console.WriteLine(GameEventText.Format(gameEvent));
        await client.ConnectAsync(server, cancellationToken);
        var welcome = await client.JoinAsync("arena", cancellationToken);
        var start = await EntityAsync(() => latest, welcome.EntityId, cancellationToken);

        var input = new ArenaInput(start.X < 500 ? 1 : -1, 0).ToPayload(); // towards the far wall
        uint lastSent = 0;
        while (client.LastAckedSeq < (uint)inputs)
        {
            if (lastSent < (uint)inputs)
            {
                lastSent = await client.SendInputAsync(input, cancellationToken);
            }
            await Task.Delay(50, cancellationToken);
        }
        var end = await EntityAsync(() => latest, welcome.EntityId, cancellationToken);
        var roundTrip = await client.PingAsync(cancellationToken);
        var protocol = client.SubProtocol; // while still connected
        await client.LeaveAsync(cancellationToken);
        return new ArenaRunResult(welcome.RoomId, welcome.EntityId, client.LastAckedSeq, latest!.Tick, Math.Abs(end.X - start.X), roundTrip,
            protocol, client.DeltasReceived);
    }

    private static async Task<ArenaEntity> EntityAsync(Func<Snapshot?> latest, int entityId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (latest() is { } snapshot)
            {
                foreach (var entity in ArenaState.Read(snapshot.GameState))
                {
                    if (entity.EntityId == entityId)
                    {
                        return entity;
                    }
                }
            }
            await Task.Delay(10, cancellationToken);
        }
    }
}

/// <summary>What one run saw, printed as one line the test (or a person) can read.</summary>
internal sealed record ArenaRunResult(string RoomId, int EntityId, uint AckedSeq, long Tick, float Distance, TimeSpan RoundTrip, string? Protocol, long Deltas)
{
    public bool Moved => Distance > 0;

    public override string ToString() =>
        $"ok room={RoomId} entity={EntityId} acked={AckedSeq} tick={Tick} moved={Distance:0.0} rtt_ms={RoundTrip.TotalMilliseconds:0.0} protocol={Protocol} deltas={Deltas}";
}

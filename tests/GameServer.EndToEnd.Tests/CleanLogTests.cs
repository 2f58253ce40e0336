using GameServer.Client;
using GameServer.Protocol.Arena;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Normal operation logs no Warning or Error: an operator alerting on them must not be paged for a game that was
/// played, left and shut down. Serial, with a host of its own, so no other test's provocations land in its log.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class CleanLogTests
{
    [Fact]
    public async Task PlayersWhoPlayAndLeave_AndAHostThatShutsDown_LogNoWarningOrError()
    {
        // Empty rooms close after 1 s instead of 30, so the rooms this test leaves close while it watches.
        var host = await TestHost.StartAsync("Development", new Dictionary<string, string?> { ["Rooms:arena:EmptyRoomGraceSeconds"] = "1" });
        try
        {
            for (var round = 0; round < 3; round++)
            {
                await using var alice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
                await using var bob = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
                await alice.ConnectAsync(host.WebSocketUri);
                await bob.ConnectAsync(host.WebSocketUri);
                await alice.JoinAsync("arena");
                await bob.JoinAsync("arena");
                for (var i = 0; i < 5; i++)
                {
                    await alice.SendInputAsync(new ArenaInput(1, 0).ToPayload());
                    await bob.SendInputAsync(new ArenaInput(0, 1).ToPayload());
                }
                await Wait.UntilAsync(() => alice.LastAckedSeq >= 5 && bob.LastAckedSeq >= 5, "both players' inputs are acknowledged");
                Assert.True(await RoomsActiveAsync(host), "the room is active while they play");
                await alice.LeaveAsync();
                // Bob just closes: the room's last edge link goes while the room is still sending it snapshots.
            }
            // In-flight snapshots to a link that is gone, and the rooms closing, are what used to log errors.
            await Wait.UntilAsync(async () => !await RoomsActiveAsync(host), "the rooms closed and deactivated");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // The log guard ([CheckLogs]) checks every test's hosts this way; this test states it as its own result, with no
        // allowances: the known notes are Orleans' start-up advice and the watchdog's bogus first report (HostLog.IsKnownNote).
        var unexpected = host.Logs.Entries.Where(entry => !HostLog.IsKnownNote(entry)).ToList();
        Assert.True(unexpected.Count == 0, "logged:\n" + string.Join("\n", unexpected));
    }

    private static async Task<bool> RoomsActiveAsync(TestHost host)
    {
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        return (await management.GetSimpleGrainStatistics()).Any(s => s.GrainType.Contains("RoomGrain", StringComparison.Ordinal) && s.ActivationCount > 0);
    }
}

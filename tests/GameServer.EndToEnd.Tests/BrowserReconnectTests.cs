using GameServer.Client;
using Xunit.Abstractions;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The demo page's reconnect and resume in a real browser: browser/reconnect.spec.mjs drives headless Chromium
/// (/usr/bin/chromium, through playwright-core) against a host behind a <see cref="TcpDropProxy"/>, which this test
/// cuts or freezes when the script says it is ready (the two talk over the script's stdio).
/// </summary>
public sealed class BrowserReconnectTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan s_check = TimeSpan.FromSeconds(20); // within the script's 30 s wait for an answer

    [Fact]
    public async Task DemoPage_AfterItsConnectionIsCut_ShowsReconnecting_ResumesTheSameEntity_AndAfterTheGraceWindowJoinsAfresh()
    {
        // A short grace window, so the second outage outlasts it in seconds; joining by id lets an observer watch the room.
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Edge:AllowJoinByRoomId"] = "true",
            ["Rooms:arena:ReconnectGraceSeconds"] = "5",
        });
        await using var proxy = TcpDropProxy.Start(host.HttpUri);
        await using var observer = new GameClient(new GameClientOptions { AccessToken = host.NewToken() });
        uint[] seen = [];
        observer.SnapshotReceived += s => Volatile.Write(ref seen, s.Acks.ToArray());
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-reconnect.png");
        var url = proxy.HttpUri.GetLeftPart(UriPartial.Authority);
        await using var node = NodeSession.Start(browserDir, "reconnect.spec.mjs", "drop", url, screenshot);
        try
        {
            // 1. The page is in a room: cut its connection and hold the outage open until it shows "reconnecting".
            var joined = await node.NextEventAsync("joined", s_step);
            var roomId = joined.GetProperty("roomId").GetString()!;
            var entityId = joined.GetProperty("entityId").GetInt32();
            await observer.ConnectAsync(host.WebSocketUri);
            await observer.JoinRoomAsync(roomId);
            await Wait.UntilAsync(() => HasEntity(Volatile.Read(ref seen), entityId), "the observer sees the page's player");
            proxy.RefuseNew = true;
            Assert.True(proxy.DropAll() >= 1, "the page had no open connection through the proxy");
            await node.SendAsync("dropped");
            await node.NextEventAsync("reconnecting", s_step);
            proxy.RefuseNew = false;
            await node.SendAsync("reopened");

            // 2. Resumed: now cut it for longer than the grace window, until the room releases the seat.
            await node.NextEventAsync("resumed", s_step);
            Assert.True(HasEntity(Volatile.Read(ref seen), entityId), "the resumed player is not in the room");
            proxy.RefuseNew = true;
            proxy.DropAll();
            await Wait.UntilAsync(() => !HasEntity(Volatile.Read(ref seen), entityId), "the room releases the seat after its 5 s grace window", s_step);
            proxy.RefuseNew = false;
            await node.SendAsync("reopened");
        }
        finally
        {
            var exitCode = await node.WaitForExitAsync(s_bound);
            output.WriteLine(node.Log);
            Assert.True(exitCode == 0, $"node reconnect.spec.mjs drop {url} exited with {exitCode}:\n{node.Log}");
        }
    }

    [Fact]
    public async Task DemoPage_WhenItsConnectionGoesSilent_NoticesTheDeadPeer_ReconnectsAndResumesTheSameEntity()
    {
        // A half-open connection: the proxy keeps the page's sockets open but delivers nothing either way, so no close
        // event ever comes. The script opens the page with ?deadPeerMs=2000; only that watchdog can notice.
        await using var host = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Edge:AllowJoinByRoomId"] = "true",
        });
        await using var proxy = TcpDropProxy.Start(host.HttpUri);
        await using var observer = new GameClient(new GameClientOptions { AccessToken = host.NewToken() });
        uint[] seen = [];
        observer.SnapshotReceived += s => Volatile.Write(ref seen, s.Acks.ToArray());
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-dead-peer.png");
        var url = proxy.HttpUri.GetLeftPart(UriPartial.Authority);
        await using var node = NodeSession.Start(browserDir, "reconnect.spec.mjs", "freeze", url, screenshot);
        try
        {
            // 1. The page is in a room and has stayed there through two deadlines: freeze its connection.
            var joined = await node.NextEventAsync("joined", s_step);
            var roomId = joined.GetProperty("roomId").GetString()!;
            var entityId = joined.GetProperty("entityId").GetInt32();
            await observer.ConnectAsync(host.WebSocketUri);
            await observer.JoinRoomAsync(roomId);
            await Wait.UntilAsync(() => HasEntity(Volatile.Read(ref seen), entityId), "the observer sees the page's player");
            var acceptedBeforeFreeze = proxy.Accepted;
            Assert.True(proxy.FreezeAll() >= 1, "the page had no open connection through the proxy");
            await node.SendAsync("frozen");

            // 2. The page gave up on the silent socket by itself and resumed on a new connection: the room still has
            // the same entity, and acknowledges its inputs again.
            var resumed = await node.NextEventAsync("resumed", s_step);
            Assert.Equal(roomId, resumed.GetProperty("roomId").GetString());
            Assert.Equal(entityId, resumed.GetProperty("entityId").GetInt32());
            Assert.True(proxy.Accepted > acceptedBeforeFreeze, "the page resumed without opening a new connection");
            var lastAck = resumed.GetProperty("lastAck").GetUInt32();
            await Wait.UntilAsync(() => AckOf(Volatile.Read(ref seen), entityId) >= lastAck, $"the room acknowledges input {lastAck} of entity {entityId}", s_check);
            await node.SendAsync("checked");
        }
        finally
        {
            var exitCode = await node.WaitForExitAsync(s_bound);
            output.WriteLine(node.Log);
            Assert.True(exitCode == 0, $"node reconnect.spec.mjs freeze {url} exited with {exitCode}:\n{node.Log}");
        }
    }

    private static bool HasEntity(uint[] acks, int entityId) => AckOf(acks, entityId) is not null;

    /// <summary>The last input the room acknowledged for <paramref name="entityId"/>, or null when it is not in the room.</summary>
    private static uint? AckOf(uint[] acks, int entityId)
    {
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            if (acks[i] == (uint)entityId)
            {
                return acks[i + 1];
            }
        }
        return null;
    }
}

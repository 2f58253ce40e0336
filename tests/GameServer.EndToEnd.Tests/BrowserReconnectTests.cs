using GameServer.Client;
using Xunit.Abstractions;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The demo page's reconnect and resume in a real browser: browser/reconnect.spec.mjs drives headless Chromium
/// (/usr/bin/chromium, through playwright-core) against a host behind a <see cref="TcpDropProxy"/>, which this test
/// cuts or freezes when the script says it is ready (the two talk over the script's stdio).
/// </summary>
[CheckLogs]
public sealed class BrowserReconnectTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan s_check = TimeSpan.FromSeconds(20); // within the script's 30 s wait for an answer

    [Fact]
    public async Task DemoPage_AfterItsConnectionIsCut_ShowsReconnecting_ResumesTheSameEntity_AndAfterTheGraceWindowJoinsAfresh()
    {
        // A short grace window, so the second outage outlasts it in seconds.
        await RunScenarioAsync("drop", "browser-reconnect.png", new() { ["Rooms:arena:ReconnectGraceSeconds"] = "5" }, async scene =>
        {
            // 1. The page is in a room: cut its connection and hold the outage open until it shows "reconnecting".
            scene.Proxy.RefuseNew = true;
            Assert.True(scene.Proxy.DropAll() >= 1, "the page had no open connection through the proxy");
            await scene.Node.SendAsync("dropped");
            await scene.Node.NextEventAsync("reconnecting", s_step);
            scene.Proxy.RefuseNew = false;
            await scene.Node.SendAsync("reopened");

            // 2. Resumed: now cut it for longer than the grace window, until the room releases the seat.
            await scene.Node.NextEventAsync("resumed", s_step);
            Assert.True(scene.PagesAck is not null, "the resumed player is not in the room");
            scene.Proxy.RefuseNew = true;
            scene.Proxy.DropAll();
            await Wait.UntilAsync(() => scene.PagesAck is null, "the room releases the seat after its 5 s grace window", s_step);
            scene.Proxy.RefuseNew = false;
            await scene.Node.SendAsync("reopened");
        });
    }

    [Fact]
    public async Task DemoPage_WhenItsConnectionGoesSilent_NoticesTheDeadPeer_ReconnectsAndResumesTheSameEntity()
    {
        // A half-open connection: the proxy keeps the page's sockets open but delivers nothing either way, so no close
        // event ever comes. The script opens the page with ?deadPeerMs=2000; only that watchdog can notice.
        await RunScenarioAsync("freeze", "browser-dead-peer.png", new(), async scene =>
        {
            // 1. The page is in a room and has stayed there through two deadlines: freeze its connection.
            var acceptedBeforeFreeze = scene.Proxy.Accepted;
            Assert.True(scene.Proxy.FreezeAll() >= 1, "the page had no open connection through the proxy");
            await scene.Node.SendAsync("frozen");

            // 2. The page gave up on the silent socket by itself and resumed on a new connection: the room still has
            // the same entity, and acknowledges its inputs again.
            var resumed = await scene.Node.NextEventAsync("resumed", s_step);
            Assert.Equal(scene.RoomId, resumed.GetProperty("roomId").GetString());
            Assert.Equal(scene.EntityId, resumed.GetProperty("entityId").GetInt32());
            Assert.True(scene.Proxy.Accepted > acceptedBeforeFreeze, "the page resumed without opening a new connection");
            var lastAck = resumed.GetProperty("lastAck").GetUInt32();
            await Wait.UntilAsync(() => scene.PagesAck >= lastAck, $"the room acknowledges input {lastAck} of entity {scene.EntityId}", s_check);
            await scene.Node.SendAsync("checked");
        });
    }

    /// <summary>
    /// The frame both scenarios share: a host (joining by id allowed, plus <paramref name="settings"/>) behind a proxy,
    /// reconnect.spec.mjs driving the page through it, and an observer client in the page's room once the page has
    /// joined; then <paramref name="steps"/>, and the script's exit code and log.
    /// </summary>
    private async Task RunScenarioAsync(string scenario, string screenshotName, Dictionary<string, string?> settings, Func<Scene, Task> steps)
    {
        settings["Edge:AllowJoinByRoomId"] = "true";
        await using var host = await TestHost.StartAsync("Development", settings);
        await using var proxy = TcpDropProxy.Start(host.HttpUri);
        await using var observer = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, screenshotName);
        var url = proxy.HttpUri.GetLeftPart(UriPartial.Authority);
        await using var node = NodeSession.Start(browserDir, "reconnect.spec.mjs", scenario, url, screenshot);
        var scene = new Scene(proxy, node);
        observer.SnapshotReceived += s => scene.Saw(s.Acks.ToArray());
        try
        {
            var joined = await node.NextEventAsync("joined", s_step);
            scene.RoomId = joined.GetProperty("roomId").GetString()!;
            scene.EntityId = joined.GetProperty("entityId").GetInt32();
            await observer.ConnectAsync(host.WebSocketUri);
            await observer.JoinRoomAsync(scene.RoomId);
            await Wait.UntilAsync(() => scene.PagesAck is not null, "the observer sees the page's player");
            await steps(scene);
        }
        finally
        {
            var exitCode = await node.WaitForExitAsync(s_bound);
            output.WriteLine(node.Log);
            Assert.True(exitCode == 0, $"node reconnect.spec.mjs {scenario} {url} exited with {exitCode}:\n{node.Log}");
        }
    }

    /// <summary>One scenario's proxy and script, the page's seat, and what the observer last saw of the room.</summary>
    private sealed class Scene(TcpDropProxy proxy, NodeSession node)
    {
        private uint[] _acks = [];

        public TcpDropProxy Proxy => proxy;

        public NodeSession Node => node;

        public string RoomId { get; set; } = "";

        public int EntityId { get; set; }

        /// <summary>The room's ack for the page's entity in the observer's newest snapshot; null when it is not in the room.</summary>
        public uint? PagesAck => AckOf(Volatile.Read(ref _acks), EntityId);

        public void Saw(uint[] acks) => Volatile.Write(ref _acks, acks);
    }

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

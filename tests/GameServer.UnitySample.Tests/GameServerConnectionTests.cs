using System;
using System.Linq;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GameServer.Testing;
using GameServer.UnityClient;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The Unity sample's connection against the real embedded server (Development, as <c>dotnet run --project
    /// src/GameServer.Host</c> runs it): joining and playing the arena, and surviving a dropped or frozen (half-open)
    /// network through a <see cref="TcpDropProxy"/> by resuming the same seat.
    /// </summary>
    [Collection(HostCollection.Name)]
    public sealed class GameServerConnectionTests
    {
        private readonly HostFixture _fixture;

        public GameServerConnectionTests(HostFixture fixture)
        {
            _fixture = fixture;
        }

        private TestHost Host => _fixture.Host;

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task JoinsTheArena_SeesItsEntityInSnapshots_AndItsInputsAreAcknowledgedAndMoveIt(bool devTokenInQuery)
        {
            var player = TestHost.NewPlayerId();
            // Header + signed token as a game's login service would issue; or, as the README's quick start does, the
            // Development server's /auth/dev-token sent in the access_token query parameter.
            var token = devTokenInQuery ? await DevTokenAsync(player) : Host.NewToken(player);
            using var connection = new GameServerConnection(new GameServerConnectionOptions
            {
                ServerUri = Host.WebSocketUri,
                AccessToken = token,
                SendTokenInQuery = devTokenInQuery,
                PingIntervalMs = 500,
            });
            var log = new EventLog(connection);

            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(
                () => log.Welcomes.Count == 1 && log.Snapshots.Any(s => s.TryGetEntity(log.Welcomes[0].EntityId, out _)),
                "a welcome, then a snapshot holding the player's entity", connection);
            var welcome = log.Welcomes[0];
            Assert.True(log.Snapshots.Last().TryGetEntity(welcome.EntityId, out var start));
            var dx = start.X < ArenaState.ArenaSize / 2 ? 1f : -1f; // towards the far wall: 500+ units of room
            var pacer = new InputPacer(connection);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(dx, 0);
                    return connection.LastAckedSeq >= 10 && log.Pongs.Count > 0;
                },
                "10 inputs acknowledged and a pong", connection);
            await GameLoop.RunUntilAsync(
                () => log.LastSnapshot!.TryGetEntity(welcome.EntityId, out var now) && (now.X - start.X) * dx >= 50,
                "the entity moved 50 units in the input's direction", connection);

            Assert.Equal(player, welcome.PlayerId);
            Assert.Equal(ArenaState.RoomType, welcome.RoomType);
            Assert.StartsWith("arena:", welcome.RoomId);
            Assert.False(welcome.Resumed);
            Assert.True(welcome.ReconnectGraceSeconds > 0);
            Assert.Equal(ConnectionState.InRoom, connection.State);
            Assert.Equal(new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.InRoom }, log.States.ToArray());
            Assert.True(log.LastSnapshot!.TryGetEntity(welcome.EntityId, out var moved));
            Assert.Equal(200f * dx, moved.Vx); // the arena's maximum speed, immediately
            Assert.Equal(100, moved.Hp);
            Assert.InRange(connection.LastAckedSeq, 10u, connection.LastSentSeq);
            Assert.True(connection.LastRoundTripMs >= 0);
            Assert.Empty(log.Errors);
            Assert.Equal(0, connection.MalformedFrames);
            Assert.Equal(0, log.RaisedOutsideDrain);
            // Ticks only go forward in a healthy room.
            var ticks = log.Snapshots.Select(s => s.Tick).ToArray();
            Assert.Equal(ticks.OrderBy(t => t).Distinct().ToArray(), ticks);
        }

        [Fact]
        public async Task ADroppedConnection_ReconnectsAndResumes_TheSameEntity_AndSnapshotsAndAcksContinue()
        {
            await using var proxy = TcpDropProxy.Start(Host.WebSocketUri);
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = proxy.WebSocketUri, AccessToken = Host.NewToken() });
            var log = new EventLog(connection);
            var pacer = new InputPacer(connection);
            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, 1);
                    return connection.LastAckedSeq >= 5;
                },
                "inputs acknowledged before the drop", connection);
            var welcome = log.Welcomes.Single();
            var seqBeforeDrop = pacer.LastSeq;

            Assert.Equal(1, proxy.DropAll());
            var snapshotsAtResume = await ResumesAndPlaysOnAsync(connection, log, pacer, seqBeforeDrop);

            var resumed = log.Welcomes[1];
            Assert.True(resumed.Resumed);
            Assert.Equal(welcome.EntityId, resumed.EntityId);
            Assert.Equal(welcome.RoomId, resumed.RoomId);
            Assert.NotEqual(welcome.ResumeToken, resumed.ResumeToken);
            Assert.Equal(resumed.ResumeToken, connection.Room!.ResumeToken);
            Assert.All(log.Snapshots.Skip(snapshotsAtResume), s => Assert.True(s.TryGetEntity(welcome.EntityId, out _)));
            Assert.Equal(1, connection.Reconnects);
            Assert.Equal(1, connection.Resumes);
            Assert.Equal(0, connection.ResumeFailures);
            Assert.Equal(2, proxy.Accepted);
            Assert.NotEmpty(log.Reconnecting);
            Assert.All(log.Reconnecting, r => Assert.Null(r.CloseCode)); // a reset, not a close frame
            Assert.Equal(
                new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.InRoom, ConnectionState.Reconnecting, ConnectionState.Connected, ConnectionState.InRoom },
                log.States.ToArray());
            Assert.Empty(log.Errors);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task AHalfOpenConnection_IsAbortedAfterDeadPeerTimeoutMsOfSilence_AndResumesTheSameEntity_AndSnapshotsAndAcksContinue()
        {
            const int deadPeerTimeoutMs = 1500;
            await using var proxy = TcpDropProxy.Start(Host.WebSocketUri);
            using var connection = new GameServerConnection(new GameServerConnectionOptions
            {
                ServerUri = proxy.WebSocketUri,
                AccessToken = Host.NewToken(),
                PingIntervalMs = 300,
                DeadPeerTimeoutMs = deadPeerTimeoutMs,
            });
            var log = new EventLog(connection);
            var pacer = new InputPacer(connection);

            // Alive outside a room, where only Pongs arrive: 8 of them span well over the timeout.
            connection.Connect();
            await GameLoop.RunUntilAsync(() => log.Pongs.Count >= 8, "8 pongs before joining", connection);
            Assert.Equal(ConnectionState.Connected, connection.State);
            // Alive in a room: 60 snapshots are 3 s at 20 Hz, twice the timeout.
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, 1);
                    return connection.LastAckedSeq >= 5 && log.Snapshots.Count >= 60;
                },
                "inputs acknowledged and 60 snapshots before the freeze", connection);
            Assert.Equal(0, connection.DeadPeerDrops);
            Assert.Empty(log.Reconnecting);
            var welcome = log.Welcomes.Single();
            var seqBeforeFreeze = pacer.LastSeq;

            // The path dies without a reset: the socket stays open, the client's inputs and pings vanish, nothing arrives.
            Assert.Equal(1, proxy.FreezeAll());
            var frozenFor = System.Diagnostics.Stopwatch.StartNew();
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, 1);
                    return log.Reconnecting.Count > 0;
                },
                "the frozen connection declared dead", connection);
            var detectedAfter = frozenFor.Elapsed;
            var snapshotsAtResume = await ResumesAndPlaysOnAsync(connection, log, pacer, seqBeforeFreeze);

            // Not before the silence could have reached the timeout (the last message may precede the freeze a little).
            Assert.True(detectedAfter >= TimeSpan.FromMilliseconds(deadPeerTimeoutMs - 500), "declared dead " + detectedAfter.TotalMilliseconds + " ms after the freeze");
            var resumed = log.Welcomes[1];
            Assert.True(resumed.Resumed);
            Assert.Equal(welcome.EntityId, resumed.EntityId);
            Assert.Equal(welcome.RoomId, resumed.RoomId);
            Assert.Equal(resumed.ResumeToken, connection.Room!.ResumeToken);
            Assert.All(log.Snapshots.Skip(snapshotsAtResume), s => Assert.True(s.TryGetEntity(welcome.EntityId, out _)));
            Assert.Equal(1, connection.DeadPeerDrops);
            Assert.Equal(1, connection.Reconnects);
            Assert.Equal(1, connection.Resumes);
            Assert.Equal(0, connection.ResumeFailures);
            Assert.Equal(2, proxy.Accepted);
            Assert.All(log.Reconnecting, r => Assert.Null(r.CloseCode)); // aborted, no close handshake
            Assert.Contains("DeadPeerTimeoutMs", connection.CloseReason);
            Assert.Equal(
                new[] { ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.InRoom, ConnectionState.Reconnecting, ConnectionState.Connected, ConnectionState.InRoom },
                log.States.ToArray());
            Assert.Empty(log.Errors);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task WhenAnotherConnectionResumedTheSeatDuringTheOutage_TheResumeIsRejectedWith14_AndItJoinsAfresh()
        {
            var player = TestHost.NewPlayerId();
            await using var proxy = TcpDropProxy.Start(Host.WebSocketUri);
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = proxy.WebSocketUri, AccessToken = Host.NewToken(player) });
            var log = new EventLog(connection);
            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the first welcome", connection);
            var first = log.Welcomes[0];

            // The network is down; meanwhile the same player's other device takes the seat with the current token.
            proxy.RefuseNew = true;
            proxy.DropAll();
            await GameLoop.RunUntilAsync(() => connection.State == ConnectionState.Reconnecting, "the drop noticed", connection);
            using var otherDevice = await ResumeElsewhereAsync(player, first);
            proxy.RefuseNew = false;
            await GameLoop.RunUntilAsync(
                () => log.Welcomes.Count == 2 && log.Snapshots.Any(s => s.TryGetEntity(log.Welcomes[1].EntityId, out _)),
                "a fresh welcome after the refused resume, and snapshots with the new entity", connection);

            Assert.Equal(ErrorCodes.ResumeRejected, Assert.Single(log.ResumeFailures).Code);
            Assert.Equal("resume-failed", Assert.Single(log.Lefts).Reason);
            var fresh = log.Welcomes[1];
            Assert.False(fresh.Resumed);
            Assert.NotEqual(first.EntityId, fresh.EntityId);
            Assert.Equal(ConnectionState.InRoom, connection.State);
            Assert.Equal(1, connection.ResumeFailures);
            var order = log.Order.Where(e => e != "snapshot" && !e.StartsWith("state:") && e != "reconnecting" && e != "pong").ToArray();
            Assert.Equal(new[] { "welcome", "error:14", "resume-failed:14", "left:resume-failed", "welcome" }, order);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task WhenTheSeatIsResumedOnAnotherConnection_ItIsClosedWith4004_AndDoesNotReconnect()
        {
            var player = TestHost.NewPlayerId();
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = Host.WebSocketUri, AccessToken = Host.NewToken(player) });
            var log = new EventLog(connection);
            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the welcome", connection);

            using var otherDevice = await ResumeElsewhereAsync(player, log.Welcomes[0]);
            await GameLoop.RunUntilAsync(() => connection.State == ConnectionState.Closed, "the takeover close", connection);
            await GameLoop.RunForAsync(TimeSpan.FromMilliseconds(500), connection);

            Assert.Equal(CloseCodes.SessionTakenOver, connection.CloseCode);
            Assert.Equal(CloseCodes.SessionTakenOver, Assert.Single(log.Closes).Code);
            Assert.Empty(log.Reconnecting);
            Assert.Equal(0, connection.Reconnects);
            Assert.Equal(ConnectionState.Closed, connection.State);
        }

        [Fact]
        public async Task Leave_IsAnsweredWithLeft_TheConnectionStaysOpen_AndAJoinGetsAFreshSeat()
        {
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = Host.WebSocketUri, AccessToken = Host.NewToken() });
            var log = new EventLog(connection);
            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the welcome", connection);

            connection.Leave();
            await GameLoop.RunUntilAsync(() => log.Lefts.Count == 1, "left", connection);
            Assert.Equal(ConnectionState.Connected, connection.State);
            Assert.Null(connection.Room);
            Assert.Equal(0u, connection.SendInput(1, 0)); // not in a room: dropped
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 2 && connection.State == ConnectionState.InRoom, "a second welcome", connection);

            Assert.Equal("left", log.Lefts[0].Reason);
            Assert.Equal(log.Welcomes[0].RoomId, log.Lefts[0].RoomId);
            Assert.False(log.Welcomes[1].Resumed);
            Assert.NotEqual(log.Welcomes[0].EntityId, log.Welcomes[1].EntityId);
            Assert.Equal(1u, connection.SendInput(1, 0)); // a new seat counts from 1
            Assert.Empty(log.Errors);
        }

        [Fact]
        public async Task ABadToken_IsRefusedAtTheHandshake_AndTheConnectionClosesSayingWhy()
        {
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = Host.WebSocketUri, AccessToken = "not-a-token" });
            var log = new EventLog(connection);

            connection.Connect();
            await GameLoop.RunUntilAsync(() => connection.State == ConnectionState.Closed, "closed", connection);

            var closed = Assert.Single(log.Closes);
            Assert.Null(closed.Code);
            Assert.Contains("401", closed.Reason);
            Assert.Empty(log.Reconnecting);
        }

        [Fact]
        public async Task AReconnectWhoseTokenIsRefused_GivesUpAtOnce_InsteadOfRetrying()
        {
            await using var proxy = TcpDropProxy.Start(Host.WebSocketUri);
            using var connection = new GameServerConnection(new GameServerConnectionOptions { ServerUri = proxy.WebSocketUri, AccessToken = Host.NewToken() });
            var log = new EventLog(connection);
            connection.Connect();
            connection.Join(ArenaState.RoomType);
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 1, "the welcome", connection);

            connection.AccessToken = "expired-or-revoked"; // what the next handshake sends
            proxy.DropAll();
            await GameLoop.RunUntilAsync(() => connection.State == ConnectionState.Closed, "closed", connection);

            Assert.Single(log.Reconnecting);
            Assert.Contains("reconnect refused", Assert.Single(log.Closes).Reason);
            Assert.Equal(0, connection.Reconnects);
        }

        /// <summary>The same player's second device: a raw socket that resumes <paramref name="seat"/> and reads the answer.</summary>
        /// <summary>
        /// Waits for the second welcome (the resumed seat), then plays on until an input sent after <paramref name="seqBefore"/>
        /// is acknowledged and 10 more snapshots came. Returns the snapshot count at the resume.
        /// </summary>
        private static async Task<int> ResumesAndPlaysOnAsync(GameServerConnection connection, EventLog log, InputPacer pacer, uint seqBefore)
        {
            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 2, "the seat resumed on a new connection", connection);
            var snapshotsAtResume = log.Snapshots.Count;
            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(0, -1);
                    return pacer.LastSeq > seqBefore && connection.LastAckedSeq >= pacer.LastSeq && log.Snapshots.Count >= snapshotsAtResume + 10;
                },
                "inputs after the resume acknowledged, and 10 more snapshots", connection);
            return snapshotsAtResume;
        }

        private async Task<ClientWebSocket> ResumeElsewhereAsync(string player, WelcomeMessage seat)
        {
            var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol(GameServerConnection.SubProtocol);
            socket.Options.SetRequestHeader("Authorization", "Bearer " + Host.NewToken(player));
            using var timeout = new CancellationTokenSource(GameLoop.Timeout);
            await socket.ConnectAsync(Host.WebSocketUri, timeout.Token);
            await socket.SendAsync(ClientMessageWriter.Resume(seat.RoomId, seat.ResumeToken), WebSocketMessageType.Binary, true, timeout.Token);
            var buffer = new byte[64 * 1024];
            var seen = "";
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, timeout.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        throw new InvalidOperationException("the other device was closed (" + result.CloseStatus + " " + result.CloseStatusDescription + ") after: " + seen);
                    }
                    var message = ServerMessageReader.Read(buffer.AsMemory(0, result.Count), decodeArena: false);
                    seen += " " + (message == null ? "?" : message.GetType().Name);
                    if (message is WelcomeMessage welcome)
                    {
                        Assert.True(welcome.Resumed);
                        Assert.Equal(seat.EntityId, welcome.EntityId);
                        return socket;
                    }
                    Assert.False(message is ErrorMessage, "the other device's resume was refused: " + message);
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the other device got no Welcome within " + GameLoop.Timeout.TotalSeconds + " s; it got:" + seen);
            }
        }

        private async Task<string> DevTokenAsync(string player)
        {
            using var http = new HttpClient { BaseAddress = Host.HttpUri };
            var json = await http.GetStringAsync("/auth/dev-token?player=" + Uri.EscapeDataString(player));
            using var document = JsonDocument.Parse(json);
            Assert.Equal(player, document.RootElement.GetProperty("playerId").GetString());
            return document.RootElement.GetProperty("token").GetString()!;
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using GameServer.UnityClient;
using Xunit;
using P = GameServer.Protocol;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The connection's protocol behaviour against a <see cref="ScriptedServer"/>, for what the real server cannot be
    /// made to do on demand: a room restored from a checkpoint (tick rewind), a drain (4003), closes that must not be
    /// retried, a resume refused with 13 or 14, and events held until the game drains them.
    /// </summary>
    public sealed class GameServerConnectionScriptedTests
    {
        private const string Token = "test-token";

        [Fact]
        public async Task ASnapshotTickGoingBackwards_RaisesTickRewoundOnce_BeforeThatSnapshot_AndTheInterpolatorResets()
        {
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                await connection.SendAsync(Welcome(entityId: 1, token: "t1"));
                foreach (var tick in new long[] { 10, 11, 12 })
                {
                    await connection.SendSnapshotAsync(tick, 1, 0);
                }
                await connection.SendRawAsync(Hex.Parse("92 13 91 01")); // [19, [1]]: a type from a newer server, skipped
                await connection.SendRawAsync(new byte[] { 0xc1 }); // not MessagePack: skipped
                await connection.SendSnapshotAsync(8, 1, 0); // restored from a checkpoint
                await connection.SendSnapshotAsync(9, 1, 0);
                await connection.DrainUntilClosedAsync();
            });
            using var client = Connect(server);
            var log = new EventLog(client);
            var interpolator = new SnapshotInterpolator();
            client.Welcomed += _ => interpolator.Reset();
            client.SnapshotReceived += s => interpolator.Add(s);

            await GameLoop.RunUntilAsync(() => log.Snapshots.Count == 5, "five snapshots", client);

            Assert.Equal((12L, 8L), Assert.Single(log.Rewinds));
            Assert.Equal(new[] { "snapshot", "snapshot", "snapshot", "rewound", "snapshot", "snapshot" }, log.Order.Where(e => e == "snapshot" || e == "rewound").ToArray());
            Assert.Equal(1, client.TickRewinds);
            Assert.Equal(9, client.LastTick);
            Assert.Equal(1, client.MalformedFrames);
            Assert.Equal(1, interpolator.Rewinds);
            Assert.Equal(2, interpolator.Count);
            Assert.Equal(9, interpolator.NewestTick);
            Assert.Equal(ConnectionState.InRoom, client.State);
            var handshake = Assert.Single(server.Handshakes);
            Assert.Equal("Bearer " + Token, handshake.Authorization);
            Assert.Null(handshake.AccessTokenQuery);
            Assert.Equal(new[] { GameServerConnection.SubProtocol }, handshake.SubProtocols);
            Assert.Equal(0, log.RaisedOutsideDrain);
        }

        [Fact]
        public async Task ADrainingClose_ReconnectsAtOnce_AndResumesWithTheLatestToken()
        {
            var resumeTokens = new ConcurrentQueue<string>();
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                if (index == 0)
                {
                    Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                    await connection.SendAsync(Welcome(entityId: 3, token: "t1"));
                }
                else
                {
                    // Resume must be the first message on a new connection.
                    var resume = Assert.IsType<P.Resume>(await connection.ReceiveAsync());
                    Assert.Equal("arena:abc", resume.RoomId);
                    resumeTokens.Enqueue(resume.ResumeToken);
                    await connection.SendAsync(Welcome(entityId: 3, token: "t" + (index + 1), resumed: true));
                }
                await connection.SendSnapshotAsync(10 + index, 3, 0);
                if (index < 2)
                {
                    await connection.CloseAsync(CloseCodes.Draining, "draining");
                }
                await connection.DrainUntilClosedAsync();
            });
            // A backoff this long would make a normal first attempt wait up to 5 s; a drain must not.
            using var client = Connect(server, o => o.ReconnectInitialDelayMs = 5000);
            var log = new EventLog(client);

            await GameLoop.RunUntilAsync(() => log.Welcomes.Count == 3 && log.Snapshots.Count == 3, "two drains, each resumed", client);

            Assert.Equal(new[] { "t1", "t2" }, resumeTokens.ToArray());
            Assert.Equal(2, log.Reconnecting.Count);
            Assert.All(log.Reconnecting, r =>
            {
                Assert.Equal(CloseCodes.Draining, r.CloseCode);
                Assert.Equal(1, r.Attempt);
                Assert.InRange(r.DelayMs, 0, ReconnectBackoff.DrainDelayCapMs);
            });
            Assert.All(log.Welcomes.Skip(1), w => Assert.True(w.Resumed));
            Assert.Equal("t3", client.Room!.ResumeToken);
            Assert.Equal(2, client.Resumes);
            Assert.Equal(ConnectionState.InRoom, client.State);
        }

        [Theory]
        [InlineData(CloseCodes.Normal)]
        [InlineData(CloseCodes.PolicyViolation)]
        [InlineData(CloseCodes.SessionTakenOver)]
        public async Task ACloseThatMustNotBeRetried_EndsTheConnectionWithoutReconnecting(int code)
        {
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                await connection.SendAsync(Welcome(entityId: 1, token: "t1"));
                await connection.CloseAsync(code, "scripted");
                await connection.DrainUntilClosedAsync();
            });
            using var client = Connect(server, o => o.ReconnectInitialDelayMs = 0);
            var log = new EventLog(client);

            await GameLoop.RunUntilAsync(() => client.State == ConnectionState.Closed, "closed", client);
            await GameLoop.RunForAsync(TimeSpan.FromMilliseconds(300), client);

            Assert.Equal(code, client.CloseCode);
            Assert.Equal(code, Assert.Single(log.Closes).Code);
            Assert.Empty(log.Reconnecting);
            Assert.Equal(1, server.Connections);
        }

        [Theory]
        [InlineData(ErrorCodes.ResumeExpired)]
        [InlineData(ErrorCodes.ResumeRejected)]
        public async Task AResumeRefusedWith13Or14_JoinsTheSameRoomTypeAfresh_AndInputsRestartAtSequence1(int refusal)
        {
            var afterRejoin = new TaskCompletionSource<P.Input>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                if (index == 0)
                {
                    Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                    await connection.SendAsync(Welcome(entityId: 1, token: "t1"));
                    await connection.SendSnapshotAsync(10, 1, 0);
                    await WaitForInputAsync(connection);
                    connection.Abort(); // a dropped network: no close frame
                    return;
                }
                Assert.IsType<P.Resume>(await connection.ReceiveAsync());
                await connection.SendAsync(new P.Error(refusal, "scripted refusal"));
                var join = Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                Assert.Equal(ArenaState.RoomType, join.RoomType);
                await connection.SendAsync(Welcome(entityId: 2, token: "t2"));
                await connection.SendSnapshotAsync(5, 2, 0);
                afterRejoin.TrySetResult(await WaitForInputAsync(connection));
                await connection.DrainUntilClosedAsync();
            });
            using var client = Connect(server, o => o.ReconnectInitialDelayMs = 0);
            var log = new EventLog(client);
            var pacer = new InputPacer(client);

            await GameLoop.RunUntilAsync(
                () =>
                {
                    pacer.Frame(1, 0);
                    return afterRejoin.Task.IsCompleted;
                },
                "an input after the fresh join", client);

            Assert.Equal(refusal, Assert.Single(log.ResumeFailures).Code);
            Assert.Equal("resume-failed", Assert.Single(log.Lefts).Reason);
            Assert.Equal(new[] { 1, 2 }, log.Welcomes.Select(w => w.EntityId).ToArray());
            Assert.Equal(1u, (await afterRejoin.Task).Seq); // a new seat counts inputs from 1 again
            Assert.Equal(1, client.ResumeFailures);
            Assert.Equal(ConnectionState.InRoom, client.State);
        }

        [Fact]
        public async Task Close_SendsANormalClose_AndDoesNotReconnect()
        {
            var clientClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                await connection.SendAsync(Welcome(entityId: 1, token: "t1"));
                var sawCloseFrame = await connection.DrainUntilClosedAsync();
                if (sawCloseFrame)
                {
                    await connection.CloseAsync(CloseCodes.Normal, "bye");
                }
                clientClosed.TrySetResult(sawCloseFrame);
            });
            using var client = Connect(server);
            var log = new EventLog(client);
            await GameLoop.RunUntilAsync(() => client.State == ConnectionState.InRoom, "in the room", client);

            client.Close();
            await GameLoop.RunUntilAsync(() => client.State == ConnectionState.Closed, "closed", client);
            await GameLoop.RunForAsync(TimeSpan.FromMilliseconds(300), client);

            Assert.True(await clientClosed.Task.WaitAsync(GameLoop.Timeout), "the server saw a close frame, not a drop");
            Assert.Equal(CloseCodes.Normal, client.CloseCode);
            Assert.Single(log.Closes);
            Assert.Empty(log.Reconnecting);
            Assert.Equal(1, server.Connections);
        }

        [Fact]
        public async Task EventsWaitForDrainEvents_AndUndrainedSnapshotsKeepOnlyTheNewest()
        {
            await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
            {
                Assert.IsType<P.Join>(await connection.ReceiveNonPingAsync());
                await connection.SendAsync(Welcome(entityId: 1, token: "t1"));
                for (var tick = 1; tick <= 10; tick++)
                {
                    await connection.SendSnapshotAsync(tick, 1, 0);
                }
                await connection.DrainUntilClosedAsync();
            });
            using var client = Connect(server, o =>
            {
                o.MaxQueuedSnapshots = 3;
                o.SendTokenInQuery = true;
            });
            var log = new EventLog(client);

            // No frames run: the connection works in the background, but nothing is raised.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (client.SnapshotsReceived < 10 && waited.Elapsed < GameLoop.Timeout)
            {
                await Task.Delay(10);
            }
            Assert.Equal(10, client.SnapshotsReceived);
            Assert.Equal(ConnectionState.InRoom, client.State);
            Assert.Empty(log.Order);

            GameLoop.Frame(client);

            Assert.Equal(new long[] { 8, 9, 10 }, log.Snapshots.Select(s => s.Tick).ToArray());
            Assert.Equal(7, client.SnapshotsDropped);
            Assert.Single(log.Welcomes);
            Assert.Equal(0, log.RaisedOutsideDrain);
            var handshake = Assert.Single(server.Handshakes);
            Assert.Null(handshake.Authorization);
            Assert.Equal(Token, handshake.AccessTokenQuery);
        }

        private static GameServerConnection Connect(ScriptedServer server, Action<GameServerConnectionOptions>? configure = null)
        {
            var options = new GameServerConnectionOptions { ServerUri = server.WebSocketUri, AccessToken = Token };
            configure?.Invoke(options);
            var client = new GameServerConnection(options);
            client.Connect();
            client.Join(ArenaState.RoomType);
            return client;
        }

        private static P.Welcome Welcome(int entityId, string token, bool resumed = false) =>
            new P.Welcome("p-1", "arena:abc", "arena", entityId, 20, 1, 0, token, 8, resumed, 30);

        private static async Task<P.Input> WaitForInputAsync(ScriptedConnection connection)
        {
            while (true)
            {
                if (await connection.ReceiveAsync() is P.Input input)
                {
                    return input;
                }
            }
        }
    }
}

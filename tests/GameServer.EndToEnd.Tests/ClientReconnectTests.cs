using System.Collections.Concurrent;
using System.Net.WebSockets;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The SDK's reconnect and resume: real sockets through a <see cref="TcpDropProxy"/> that cuts connections like a
/// network failure, against the real server (seats held for the grace window) or a <see cref="ScriptedServer"/> for
/// answers the real one cannot be made to give on demand; plus the backoff arithmetic.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class ClientReconnectTests(HostFixture host)
{
    private const string ArenaGame = "arena";
    private static readonly ReadOnlyMemory<byte> s_moveRight = new ArenaInput(1, 0).ToPayload();

    // ---- real server ----------------------------------------------------------------------------------------

    [Fact]
    public async Task ADroppedConnection_ReconnectsThroughTheProxyAndResumes_SameRoomSameEntity_SequencesContinue()
    {
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient();
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var resumed = new ConcurrentQueue<ResumedEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        client.Resumed += resumed.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);
        await Wait.UntilAsync(async () => { await client.SendInputAsync(s_moveRight); return client.LastAckedSeq >= 5; }, "inputs acknowledged before the drop");
        var sentBefore = client.LastSentSeq;
        await Wait.UntilAsync(() => client.LastAckedSeq == sentBefore, "every input sent before the drop is acknowledged");

        // Hold the outage open (new connections are reset) so the input sent during it is deterministic.
        proxy.RefuseNew = true;
        Assert.Equal(1, proxy.DropAll());
        await Wait.UntilAsync(() => client.State == ConnectionState.Reconnecting, "the client notices the drop");
        var droppedSeq = await client.SendInputAsync(s_moveRight);
        proxy.RefuseNew = false;
        await Wait.UntilAsync(() => client.Resumes == 1, "the client resumes its seat");
        var snapshotsAtResume = client.SnapshotsReceived;
        var seqAfter = await client.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => client.LastAckedSeq >= seqAfter, "the first input after the resume is acknowledged");
        await Wait.UntilAsync(() => client.SnapshotsReceived >= snapshotsAtResume + 10, "snapshots continue after the resume");

        Assert.Equal(0u, droppedSeq);
        Assert.Equal(1, client.InputsDropped);
        Assert.Equal(sentBefore + 1, seqAfter);
        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Equal(welcome.RoomId, client.Room!.RoomId);
        Assert.Equal(welcome.EntityId, client.Room.EntityId);
        Assert.True(client.Room.Resumed);
        Assert.NotEqual(welcome.ResumeToken, client.Room.ResumeToken);
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(0, client.ResumeFailures);
        Assert.NotEmpty(reconnecting);
        Assert.All(reconnecting, r => Assert.Null(r.CloseCode)); // a reset, not a close frame
        var resume = Assert.Single(resumed);
        Assert.Equal(welcome.EntityId, resume.Welcome.EntityId);
        Assert.Equal(client.LastOutage, resume.Outage);
        Assert.InRange(resume.Outage, TimeSpan.FromTicks(1), Wait.Timeout);
    }

    [Fact]
    public async Task DropConnection_EndsTheSocketWithoutACloseFrame_AndTheClientResumesItsSeat()
    {
        await using var client = host.NewClient();
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);

        client.DropConnection();
        await Wait.UntilAsync(() => client.Resumes == 1 && client.State == ConnectionState.InRoom, "the client resumes its seat after the drop");
        var seq = await client.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => client.LastAckedSeq >= seq, "an input after the resume is acknowledged");

        Assert.Equal(welcome.RoomId, client.Room!.RoomId);
        Assert.Equal(welcome.EntityId, client.Room.EntityId);
        Assert.Equal(1, client.Reconnects);
        Assert.All(reconnecting, r => Assert.Null(r.CloseCode)); // an abort, not a close frame
        Assert.NotEmpty(reconnecting);
    }

    [Fact]
    public async Task AConnectionThatGoesSilent_IsDeclaredDeadByTheKeepAlive_AndTheClientResumesOnANewOne()
    {
        // A half-open connection: the proxy keeps both sockets open but delivers nothing, like a frozen edge or a path
        // that died without a reset. Only the client's ping deadline can notice it.
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            KeepAliveInterval = TimeSpan.FromMilliseconds(300),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(700),
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);
        await Wait.UntilAsync(async () => { await client.SendInputAsync(s_moveRight); return client.LastAckedSeq >= 3; }, "inputs acknowledged before the freeze");
        // Pings are answered while the path is alive: the connection stays up through several keep-alive deadlines.
        var snapshotsBefore = client.SnapshotsReceived;
        await Wait.UntilAsync(() => client.SnapshotsReceived >= snapshotsBefore + 40, "two seconds of snapshots");
        Assert.Equal(0, client.Reconnects);

        Assert.Equal(1, proxy.FreezeAll());
        await Wait.UntilAsync(() => client.Resumes == 1, "the client notices the silence, reconnects and resumes");
        var snapshotsAtResume = client.SnapshotsReceived;
        var seqAfter = await client.SendInputAsync(s_moveRight);
        await Wait.UntilAsync(() => client.LastAckedSeq >= seqAfter, "inputs are acknowledged on the new connection");
        await Wait.UntilAsync(() => client.SnapshotsReceived >= snapshotsAtResume + 10, "snapshots continue after the resume");

        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Equal(welcome.RoomId, client.Room!.RoomId);
        Assert.Equal(welcome.EntityId, client.Room.EntityId);
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(1, client.DeadPeerDrops);
        Assert.All(reconnecting, r => Assert.Null(r.CloseCode)); // aborted by the deadline: no close frame ever came
    }

    [Fact]
    public void NegativeKeepAliveSettings_AreRefusedAtConstruction_NamingTheSetting()
    {
        var interval = Assert.Throws<ArgumentOutOfRangeException>(() => new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, KeepAliveInterval = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("KeepAliveInterval", interval.Message);
        var timeout = Assert.Throws<ArgumentOutOfRangeException>(() => new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, KeepAliveTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("KeepAliveTimeout", timeout.Message);
    }

    [Theory]
    [InlineData(CloseCode.UnsupportedData)]
    [InlineData(CloseCode.InvalidPayload)]
    [InlineData(CloseCode.PolicyViolation)]
    [InlineData(CloseCode.MessageTooBig)]
    [InlineData(CloseCode.SessionTakenOver)]
    public async Task AServerCloseThatMustNotBeRetried_EndsTheClientWithoutReconnecting(int code)
    {
        var player = NewPlayerId();
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        await using var otherDevice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        var reconnecting = 0;
        var closed = new ConcurrentQueue<WebSocketCloseStatus?>();
        client.Reconnecting += _ => Interlocked.Increment(ref reconnecting);
        client.Closed += (status, _) => closed.Enqueue(status);
        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);

        switch (code)
        {
            case CloseCode.UnsupportedData:
                await client.SendRawAsync("{}"u8.ToArray(), WebSocketMessageType.Text);
                break;
            case CloseCode.InvalidPayload:
                await client.SendRawAsync(new byte[] { 0x92, 0x02, 0xc1, 0xff, 0x00 });
                break;
            case CloseCode.PolicyViolation:
                await client.SendRawAsync(new byte[] { 0x92, 0x63, 0x90 }); // [99, []]
                break;
            case CloseCode.MessageTooBig:
                await client.SendRawAsync(new byte[64 * 1024]);
                break;
            case CloseCode.SessionTakenOver:
                // The same player resumes the seat on another connection (a second device): the first is closed with 4004.
                await otherDevice.ConnectAsync(host.WebSocketUri);
                var taken = await otherDevice.ResumeAsync(welcome.RoomId, welcome.ResumeToken);
                Assert.Equal(welcome.EntityId, taken.EntityId);
                break;
        }
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal(code, (int?)client.CloseStatus);
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(0, Volatile.Read(ref reconnecting));
        Assert.Equal(0, client.Reconnects);
        Assert.Equal((WebSocketCloseStatus)code, Assert.Single(closed));
    }

    [Fact]
    public async Task AResumeWithAGarbageToken_IsRejectedWith14_AndTheClientStaysConnectedOutOfTheRoom()
    {
        var player = NewPlayerId();
        await using var seated = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        await seated.ConnectAsync(host.WebSocketUri);
        var welcome = await seated.JoinAsync(ArenaGame);
        await client.ConnectAsync(host.WebSocketUri);

        var refused = await Assert.ThrowsAsync<GameServerException>(() => client.ResumeAsync(welcome.RoomId, "garbage-" + Guid.NewGuid().ToString("N")));
        var rtt = await client.PingAsync();

        Assert.Equal(ErrorCode.ResumeRejected, refused.Code);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.Room);
        Assert.True(rtt > TimeSpan.Zero);
        Assert.Equal(ConnectionState.InRoom, seated.State); // a refused resume takes nothing from the seat's holder
    }

    [Fact]
    public async Task AReconnectWhoseTokenWasUsedByAnotherConnection_RaisesResumeFailedAndLeftRoom_StaysConnected_AndCanJoinAfresh()
    {
        var player = NewPlayerId();
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        await using var otherDevice = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.Host.NewToken(player) });
        var failed = new ConcurrentQueue<Error>();
        var left = new ConcurrentQueue<Left>();
        client.ResumeFailed += failed.Enqueue;
        client.LeftRoom += left.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);

        proxy.RefuseNew = true;
        proxy.DropAll();
        await Wait.UntilAsync(() => client.State == ConnectionState.Reconnecting, "the client notices the drop");
        await otherDevice.ConnectAsync(host.WebSocketUri);
        var taken = await otherDevice.ResumeAsync(welcome.RoomId, welcome.ResumeToken); // replaces the token the client holds
        proxy.RefuseNew = false;
        await Wait.UntilAsync(() => client.ResumeFailures == 1, "the client's resume is refused");
        var fresh = await client.JoinAsync(ArenaGame);

        Assert.Equal(welcome.EntityId, taken.EntityId);
        Assert.Equal(ErrorCode.ResumeRejected, Assert.Single(failed).Code);
        var gone = Assert.Single(left);
        Assert.Equal((welcome.RoomId, "resume-failed"), (gone.RoomId, gone.Reason));
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(0, client.Resumes);
        Assert.False(fresh.Resumed);
        Assert.Equal(ConnectionState.InRoom, client.State);
    }

    [Fact]
    public async Task AReconnectAfterTheGraceWindow_GetsResumeExpired_AndCanJoinAfresh()
    {
        await using var server = await TestHost.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Edge:AllowJoinByRoomId"] = "true",
            ["Rooms:arena:ReconnectGraceSeconds"] = "1",
        });
        await using var proxy = TcpDropProxy.Start(server.WebSocketUri);
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            AccessToken = server.NewToken(),
            Reconnect = { MaxAttempts = 100, MaxDelay = TimeSpan.FromMilliseconds(500) },
        });
        await using var observer = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = server.NewToken() });
        uint[] seen = [];
        observer.SnapshotReceived += s => Volatile.Write(ref seen, s.Acks.ToArray());
        var failed = new ConcurrentQueue<Error>();
        var left = new ConcurrentQueue<Left>();
        client.ResumeFailed += failed.Enqueue;
        client.LeftRoom += left.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);
        await observer.ConnectAsync(server.WebSocketUri);
        await observer.JoinRoomAsync(welcome.RoomId);
        await Wait.UntilAsync(() => HasEntity(Volatile.Read(ref seen), welcome.EntityId), "the observer sees the player");

        proxy.RefuseNew = true;
        proxy.DropAll();
        await Wait.UntilAsync(() => !HasEntity(Volatile.Read(ref seen), welcome.EntityId), "the room releases the seat after its 1 s grace window");
        proxy.RefuseNew = false;
        await Wait.UntilAsync(() => client.ResumeFailures == 1, "the client's resume is refused");
        var fresh = await client.JoinAsync(ArenaGame);

        Assert.Equal(1, welcome.ReconnectGraceSeconds);
        Assert.Equal(ErrorCode.ResumeExpired, Assert.Single(failed).Code);
        Assert.Equal("resume-failed", Assert.Single(left).Reason);
        Assert.False(fresh.Resumed);
        Assert.Equal(ConnectionState.InRoom, client.State);
    }

    [Fact]
    public async Task AReconnectRefusedWith503_KeepsTrying_AndResumesOnceASlotFrees()
    {
        await using var server = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:MaxConnections"] = "1" });
        await using var proxy = TcpDropProxy.Start(server.WebSocketUri);
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            AccessToken = server.NewToken(),
            Reconnect = { MaxAttempts = 100, MaxDelay = TimeSpan.FromMilliseconds(500) },
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        await client.ConnectAsync(proxy.WebSocketUri);
        var welcome = await client.JoinAsync(ArenaGame);

        proxy.RefuseNew = true;
        proxy.DropAll();
        await Wait.UntilAsync(() => client.State == ConnectionState.Reconnecting, "the client notices the drop");
        GameClient? squatter = null;
        await Wait.UntilAsync(async () => (squatter = await TryConnectAsync(server)) is not null, "another player takes the edge's only slot");
        await using (squatter)
        {
            proxy.RefuseNew = false;
            await Wait.UntilAsync(() => reconnecting.Any(r => r.LastError?.Message.Contains("'503'") == true), "a reconnect attempt is refused with 503");
            await squatter!.CloseAsync();
            await Wait.UntilAsync(() => client.Resumes == 1, "the client resumes once the slot is free");
        }

        // The attempt after the 503 waited out its Retry-After (whole seconds), above this client's 500 ms MaxDelay.
        var afterRefusal = reconnecting.First(r => r.LastError?.Message.Contains("'503'") == true);
        Assert.True(afterRefusal.Delay >= TimeSpan.FromSeconds(1), $"waited {afterRefusal.Delay} after a 503");
        Assert.Equal(welcome.EntityId, client.Room!.EntityId);
        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Equal(0, client.ResumeFailures);
    }

    [Fact]
    public async Task AReconnectRefusedWith401_GivesUpAtOnce()
    {
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        var tokens = 0;
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            // The first connect gets a good token; every later one a bad one, as when a login service stops issuing.
            AccessTokenProvider = _ => new ValueTask<string>(Interlocked.Increment(ref tokens) == 1 ? host.Host.NewToken() : "not-a-token"),
            Reconnect = { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
        });
        var reconnecting = 0;
        var closed = new ConcurrentQueue<string?>();
        client.Reconnecting += _ => Interlocked.Increment(ref reconnecting);
        client.Closed += (_, reason) => closed.Enqueue(reason);
        await client.ConnectAsync(proxy.WebSocketUri);

        proxy.DropAll();
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal(2, Volatile.Read(ref tokens));
        Assert.Equal(1, Volatile.Read(ref reconnecting));
        Assert.Contains("401", Assert.Single(closed));
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(0, client.Reconnects);
    }

    [Fact]
    public async Task WhenEveryAttemptFails_ClosedIsRaisedOnce_AndCompletionEnds()
    {
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            Reconnect = { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var closed = new ConcurrentQueue<string?>();
        client.Reconnecting += reconnecting.Enqueue;
        client.Closed += (_, reason) => closed.Enqueue(reason);
        await client.ConnectAsync(proxy.WebSocketUri);
        await client.JoinAsync(ArenaGame);

        await proxy.StopAsync(); // nothing listens any more: every attempt is refused
        await client.Completion.WaitAsync(Wait.Timeout);

        Assert.Equal([1, 2, 3], reconnecting.Select(r => r.Attempt));
        Assert.Null(reconnecting.First().LastError);
        Assert.All(reconnecting.Skip(1), r => Assert.NotNull(r.LastError));
        Assert.Contains("gave up after 3 reconnect attempts", Assert.Single(closed));
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(0, client.Reconnects);
    }

    [Fact]
    public async Task WithTwoEndpoints_TheFirstDead_TheClientConnectsToTheLiveOne_AndAReconnectRotatesPastTheDeadOne()
    {
        var dead = new Uri($"ws://127.0.0.1:{FreePort.Next()}/ws");
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            Reconnect = { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var reconnected = new ConcurrentQueue<ReconnectedEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        client.Reconnected += reconnected.Enqueue;
        Assert.Null(client.Endpoint);
        await client.ConnectAsync([dead, proxy.WebSocketUri]);
        var acceptedAtFirst = proxy.Accepted;
        Assert.Equal(proxy.WebSocketUri, client.Endpoint); // the one that answered, not the first in the list

        proxy.DropAll();
        await Wait.UntilAsync(() => client.Reconnects == 1, "the client reconnects");

        Assert.Equal(1, acceptedAtFirst);
        Assert.Equal(2, reconnecting.Count); // the dead endpoint, then the live one
        Assert.NotNull(reconnecting.Last().LastError);
        var back = Assert.Single(reconnected);
        Assert.Equal(proxy.WebSocketUri, back.Endpoint);
        Assert.Equal(back.Endpoint, client.Endpoint);
        Assert.Equal(2, back.Attempts);
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task CloseAsyncWhileReconnecting_StopsReconnecting_AndEndsCompletion()
    {
        await using var proxy = TcpDropProxy.Start(host.WebSocketUri);
        await using var client = host.NewClient();
        var closed = 0;
        client.Closed += (_, _) => Interlocked.Increment(ref closed);
        await client.ConnectAsync(proxy.WebSocketUri);
        await client.JoinAsync(ArenaGame);
        proxy.RefuseNew = true;
        proxy.DropAll();
        await Wait.UntilAsync(() => client.State == ConnectionState.Reconnecting, "the client notices the drop");

        await client.CloseAsync().WaitAsync(Wait.Timeout);

        Assert.True(client.Completion.IsCompleted);
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(1, Volatile.Read(ref closed));
        Assert.Equal(0, client.Reconnects);
        await Assert.ThrowsAnyAsync<Exception>(() => client.PingAsync());
    }

    // ---- scripted server --------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASnapshotTickGoingBackwards_RaisesRoomRestoredOnce_BeforeThatSnapshot(bool decodeSnapshots)
    {
        await using var server = await ScriptedServer.StartAsync(async (connection, _) =>
        {
            Assert.IsType<Join>(await connection.ReceiveAsync());
            await connection.SendAsync(TestWelcome("t1"));
            // A room restored from its tick-12 checkpoint: its first snapshot (tick 13) already acks input 16, sent while
            // it was down, so only the acks seen up to tick 12 tell that inputs 13 to 15 were processed and then lost.
            foreach (var (tick, ack) in new (long, uint)[] { (11, 11), (12, 12), (13, 13), (14, 14), (15, 15), (13, 16), (14, 17) })
            {
                await connection.SendSnapshotAsync(tick, TestEntity, ack);
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, DecodeSnapshots = decodeSnapshots });
        var events = new ConcurrentQueue<string>();
        client.SnapshotFrameReceived += (tick, _) => events.Enqueue($"snapshot {tick}");
        client.RoomRestored += r => events.Enqueue($"restored {r.LastTickBefore}->{r.FirstTickAfter}, acks {r.AckedSeqBefore}, {r.AckedSeqAtCheckpoint} at the checkpoint, {r.InputsLost} lost");
        client.InputAcknowledged += (ack, tick) => events.Enqueue($"ack {ack} at {tick}");
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);

        await Wait.UntilAsync(() => client.SnapshotsReceived == 7, "seven snapshots");

        Assert.Equal([
            "snapshot 11", "ack 11 at 11", "snapshot 12", "ack 12 at 12", "snapshot 13", "ack 13 at 13",
            "snapshot 14", "ack 14 at 14", "snapshot 15", "ack 15 at 15",
            "restored 15->13, acks 15, 12 at the checkpoint, 3 lost", "snapshot 13", "ack 16 at 13",
            "snapshot 14", "ack 17 at 14"], events);
        Assert.Equal(17u, client.LastAckedSeq);
        Assert.Equal(1, client.RoomRestores);
        Assert.Equal(14, client.LastTick);
        Assert.Equal(ConnectionState.InRoom, client.State);
    }

    [Fact]
    public async Task ARestoreToACheckpointOlderThanAnySnapshotSeen_LeavesTheLossUnknown_AndTheAckGoesBackToTheRooms()
    {
        await using var server = await ScriptedServer.StartAsync(async (connection, _) =>
        {
            Assert.IsType<Join>(await connection.ReceiveAsync());
            await connection.SendAsync(TestWelcome("t1"));
            foreach (var (tick, ack) in new (long, uint)[] { (11, 11), (12, 12), (9, 9) })
            {
                await connection.SendSnapshotAsync(tick, TestEntity, ack);
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance });
        var restores = new ConcurrentQueue<RoomRestoredEventArgs>();
        client.RoomRestored += restores.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);

        await Wait.UntilAsync(() => client.SnapshotsReceived == 3, "three snapshots");

        var restore = Assert.Single(restores);
        Assert.Equal(12u, restore.AckedSeqBefore);
        Assert.Null(restore.AckedSeqAtCheckpoint); // the checkpoint (tick 8) is older than the first snapshot seen
        Assert.Null(restore.InputsLost);
        Assert.Equal(9u, client.LastAckedSeq); // nothing newer was processed yet: the room's count went back
    }

    [Fact]
    public async Task ADrainingClose_ReconnectsWithin250Ms_EvenWithALongInitialDelay_AndResumesWithTheSequenceContinuing()
    {
        var resumeSent = new TaskCompletionSource<Resume>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inputAfterResume = new TaskCompletionSource<Input>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            if (index == 0)
            {
                Assert.IsType<Join>(await connection.ReceiveAsync());
                await connection.SendAsync(TestWelcome("t1"));
                for (var seq = 1u; seq <= 3; seq++)
                {
                    Assert.Equal(seq, Assert.IsType<Input>(await connection.ReceiveAsync()).Seq);
                }
                await connection.SendSnapshotAsync(11, TestEntity, 3);
                await connection.CloseAsync(CloseCode.Draining, "draining");
            }
            else
            {
                resumeSent.TrySetResult(Assert.IsType<Resume>(await connection.ReceiveAsync()));
                await connection.SendAsync(TestWelcome("t2") with { Resumed = true });
                inputAfterResume.TrySetResult(Assert.IsType<Input>(await connection.ReceiveAsync()));
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Reconnect = { InitialDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(5) } });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        client.Reconnecting += reconnecting.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);
        for (var i = 0; i < 3; i++)
        {
            await client.SendInputAsync(s_moveRight);
        }

        await Wait.UntilAsync(() => client.Resumes == 1, "the client resumes after the drain");
        var seq = await client.SendInputAsync(s_moveRight);
        var resume = await resumeSent.Task.WaitAsync(Wait.Timeout);
        var input = await inputAfterResume.Task.WaitAsync(Wait.Timeout);

        var attempt = Assert.Single(reconnecting);
        Assert.Equal(CloseCode.Draining, attempt.CloseCode);
        Assert.InRange(attempt.Delay, TimeSpan.Zero, ReconnectBackoff.DrainDelayCap);
        Assert.Equal(("arena:test", "t1"), (resume.RoomId, resume.ResumeToken));
        Assert.Equal(4u, seq);
        Assert.Equal(4u, input.Seq);
        Assert.Equal("t2", client.Room!.ResumeToken);
        Assert.Equal(3u, client.LastAckedSeq);
    }

    [Fact]
    public async Task AResumeAnsweredWithInternalError_IsRetriedOnTheNextAttempt()
    {
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            switch (index)
            {
                case 0:
                    Assert.IsType<Join>(await connection.ReceiveAsync());
                    await connection.SendAsync(TestWelcome("t1"));
                    Assert.IsType<Ping>(await connection.ReceiveAsync());
                    connection.Abort(); // no close frame: a lost connection
                    return;
                case 1:
                    Assert.IsType<Resume>(await connection.ReceiveAsync());
                    await connection.SendAsync(new Error(ErrorCode.InternalError, "try again"));
                    break;
                default:
                    Assert.IsType<Resume>(await connection.ReceiveAsync());
                    await connection.SendAsync(TestWelcome("t3") with { Resumed = true });
                    break;
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            Reconnect = { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
        });
        var reconnecting = new ConcurrentQueue<ReconnectingEventArgs>();
        var errors = new ConcurrentQueue<Error>();
        client.Reconnecting += reconnecting.Enqueue;
        client.ErrorReceived += errors.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);
        _ = client.PingAsync().ContinueWith(_ => { }, TaskScheduler.Default); // the server drops the connection instead of answering

        await Wait.UntilAsync(() => client.Resumes == 1, "the client resumes on the second attempt");

        Assert.Equal([1, 2], reconnecting.Select(r => r.Attempt));
        Assert.Contains("error 9", reconnecting.Last().LastError?.Message);
        Assert.Equal(ErrorCode.InternalError, Assert.Single(errors).Code);
        Assert.Equal(0, client.ResumeFailures);
        Assert.Equal("t3", client.Room!.ResumeToken);
        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task AfterADropFromAServerThatKeepsNoSeats_TheClientReconnectsWithoutResuming_AndReportsTheSeatLost()
    {
        var firstOnNewConnection = new TaskCompletionSource<ClientMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            if (index == 0)
            {
                Assert.IsType<Join>(await connection.ReceiveAsync());
                await connection.SendAsync(TestWelcome("t1") with { ReconnectGraceSeconds = 0 });
                Assert.IsType<Ping>(await connection.ReceiveAsync());
                connection.Abort();
                return;
            }
            firstOnNewConnection.TrySetResult(await connection.ReceiveAsync());
            await connection.SendAsync(TestWelcome("t2"));
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Reconnect = { InitialDelay = TimeSpan.FromMilliseconds(20) } });
        var failed = new ConcurrentQueue<Error>();
        var left = new ConcurrentQueue<Left>();
        client.ResumeFailed += failed.Enqueue;
        client.LeftRoom += left.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);
        _ = client.PingAsync().ContinueWith(_ => { }, TaskScheduler.Default); // the server drops the connection instead of answering

        await Wait.UntilAsync(() => client.Reconnects == 1, "the client reconnects");
        var fresh = await client.JoinAsync(ArenaGame);

        Assert.Equal(ErrorCode.ResumeExpired, Assert.Single(failed).Code);
        Assert.Equal("resume-failed", Assert.Single(left).Reason);
        Assert.IsType<Join>(await firstOnNewConnection.Task.WaitAsync(Wait.Timeout)); // not a Resume
        Assert.Equal("t2", fresh.ResumeToken);
        Assert.Equal(ConnectionState.InRoom, client.State);
    }

    // ---- backoff ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, 250)]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(4, 4000)]
    [InlineData(5, 8000)]
    [InlineData(6, 10000)]
    [InlineData(40, 10000)]
    [InlineData(int.MaxValue, 10000)]
    public void TheBackoffCeiling_DoublesFromTheInitialDelay_UpToTheMaxDelay(int attempt, int expectedMs)
    {
        var ceiling = ReconnectBackoff.Ceiling(new ReconnectOptions(), attempt, afterDrain: false);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ceiling);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.999999, 0.999999)]
    public void TheDelay_IsTheRandomFractionOfTheCeiling(double draw, double expectedFraction)
    {
        var options = new ReconnectOptions();

        var delay = ReconnectBackoff.Delay(options, 3, afterDrain: false, new FixedRandom(draw));

        Assert.Equal(TimeSpan.FromMilliseconds(2000 * expectedFraction).TotalMilliseconds, delay.TotalMilliseconds, precision: 3);
        Assert.True(delay < ReconnectBackoff.Ceiling(options, 3, afterDrain: false));
    }

    [Fact]
    public void TheDelay_IsFullJitter_SpreadFromZeroToTheCeiling()
    {
        var options = new ReconnectOptions();
        var random = new Random(20240607);
        var ceiling = ReconnectBackoff.Ceiling(options, 4, afterDrain: false);

        var delays = Enumerable.Range(0, 2000).Select(_ => ReconnectBackoff.Delay(options, 4, afterDrain: false, random).TotalMilliseconds).ToArray();

        Assert.All(delays, d => Assert.InRange(d, 0, ceiling.TotalMilliseconds));
        Assert.True(delays.Min() < 0.05 * ceiling.TotalMilliseconds, $"min {delays.Min():0} ms: full jitter reaches down to zero");
        Assert.True(delays.Max() > 0.95 * ceiling.TotalMilliseconds, $"max {delays.Max():0} ms");
        Assert.InRange(delays.Average() / ceiling.TotalMilliseconds, 0.45, 0.55);
    }

    [Fact]
    public void AfterADrain_TheFirstAttemptIsCappedAt250Ms_AndLaterOnesBackOffAsUsual()
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.FromMilliseconds(250), ReconnectBackoff.Ceiling(options, 0, afterDrain: true));
        Assert.Equal(TimeSpan.FromSeconds(2), ReconnectBackoff.Ceiling(options, 0, afterDrain: false));
        Assert.Equal(TimeSpan.FromSeconds(4), ReconnectBackoff.Ceiling(options, 1, afterDrain: true));
        Assert.Equal(TimeSpan.FromMilliseconds(100), ReconnectBackoff.Ceiling(new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100) }, 0, afterDrain: true));
    }

    [Theory]
    [InlineData(-1, 10_000, 10, "InitialDelay")]
    [InlineData(500, 100, 10, "MaxDelay")]
    [InlineData(250, 10_000, -1, "MaxAttempts")]
    public void ReconnectOptionsOutOfRange_AreRefusedNamingTheSetting(int initialMs, int maxMs, int maxAttempts, string setting)
    {
        var options = new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            Reconnect = { InitialDelay = TimeSpan.FromMilliseconds(initialMs), MaxDelay = TimeSpan.FromMilliseconds(maxMs), MaxAttempts = maxAttempts },
        };

        var error = Assert.Throws<ArgumentException>(() => new GameClient(options));

        Assert.Contains("GameClientOptions.Reconnect." + setting, error.Message);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(ErrorCode.ResumeExpired)]
    [InlineData(ErrorCode.ResumeRejected)]
    public async Task WithRejoinAfterResumeFailure_ARefusedResume_JoinsTheSameRoomTypeAfresh_AndInputsRestartAtSequence1(int refusal)
    {
        var rejoin = new TaskCompletionSource<Join>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstInputAfter = new TaskCompletionSource<Input>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (connection, index) =>
        {
            if (index == 0)
            {
                Assert.IsType<Join>(await connection.ReceiveAsync());
                await connection.SendAsync(TestWelcome("t1"));
                Assert.Equal(1u, Assert.IsType<Input>(await connection.ReceiveAsync()).Seq);
                await connection.SendSnapshotAsync(11, TestEntity, 1);
                await connection.CloseAsync(CloseCode.Draining, "draining");
            }
            else
            {
                Assert.IsType<Resume>(await connection.ReceiveAsync());
                await connection.SendAsync(new Error(refusal, "seat gone"));
                rejoin.TrySetResult(Assert.IsType<Join>(await connection.ReceiveAsync()));
                await connection.SendAsync(TestWelcome("t2") with { EntityId = TestEntity + 1 });
                firstInputAfter.TrySetResult(Assert.IsType<Input>(await connection.ReceiveAsync()));
            }
            await connection.DrainUntilClosedAsync();
        });
        await using var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, Reconnect = { RejoinAfterResumeFailure = true } });
        var failures = new ConcurrentQueue<Error>();
        var welcomes = new ConcurrentQueue<Welcome>();
        client.ResumeFailed += failures.Enqueue;
        client.Welcomed += welcomes.Enqueue;
        await client.ConnectAsync(server.WebSocketUri);
        await client.JoinAsync(ArenaGame);
        await client.SendInputAsync(s_moveRight);

        var join = await rejoin.Task.WaitAsync(Wait.Timeout);
        await Wait.UntilAsync(() => client.Room?.EntityId == TestEntity + 1, "seated afresh in a new entity");
        await client.SendInputAsync(s_moveRight);
        var input = await firstInputAfter.Task.WaitAsync(Wait.Timeout);

        Assert.Equal(ArenaGame, join.RoomType);
        Assert.Null(join.RoomId);
        Assert.Equal(refusal, Assert.Single(failures).Code);
        Assert.Equal(2, welcomes.Count);
        Assert.Equal(1u, input.Seq);
        Assert.Equal(ConnectionState.InRoom, client.State);
        Assert.Equal(1, client.ResumeFailures);
    }

    private const int TestEntity = 3;

    private static Welcome TestWelcome(string resumeToken) =>
        new("p-test", "arena:test", ArenaGame, TestEntity, 20, 1, 10, resumeToken, 8, Resumed: false, ReconnectGraceSeconds: 30);

    private static string NewPlayerId() => "player-" + Guid.NewGuid().ToString("N")[..10];

    private static bool HasEntity(uint[] acks, int entityId)
    {
        for (var i = 0; i + 1 < acks.Length; i += 2)
        {
            if (acks[i] == (uint)entityId)
            {
                return true;
            }
        }
        return false;
    }

    private static async Task<GameClient?> TryConnectAsync(TestHost server)
    {
        var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = server.NewToken(), Reconnect = { Enabled = false } });
        try
        {
            await client.ConnectAsync(server.WebSocketUri);
            return client;
        }
        catch (WebSocketException)
        {
            await client.DisposeAsync();
            return null;
        }
    }

    /// <summary>A <see cref="Random"/> whose every draw is the same fraction.</summary>
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}

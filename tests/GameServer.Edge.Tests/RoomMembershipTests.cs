using GameServer.Abstractions;
using GameServer.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.Edge.Tests;

/// <summary>
/// Joins and resumes that the room refuses, against scripted grains: what the client is told and which grain calls
/// were made. Joins that succeed attach to a real room link; the end-to-end suite covers those.
/// </summary>
public sealed class RoomMembershipTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly TestMetrics _metrics = new();
    private readonly FakeGrains _grains = new();
    private readonly StallingWebSocket _socket = new();
    private readonly SessionSeat _seat = new();
    private readonly RoomMembership _membership;

    public RoomMembershipTests()
    {
        var options = new EdgeOptions();
        var links = new RoomLinks(_grains.Factory, Options.Create(options), _metrics.Edge, NullLogger<RoomLink>.Instance);
        var session = new PlayerSession(new WebSocketPlayerConnection(_socket, options.MaxMessageBytes), "p1", _grains.Factory, links, options, _metrics.Edge, NullLogger.Instance);
        _membership = new RoomMembership(session, _seat, _grains.Factory, links, options, _metrics.Edge, NullLogger.Instance, codeGuesses: null);
    }

    public void Dispose() => _metrics.Dispose();

    private Error SentError()
    {
        Assert.True(SpinWait.SpinUntil(() => _socket.Sent.Count > 0, s_timeout), "nothing was sent");
        return Assert.IsType<Error>(MessageCodec.DecodeServer(_socket.Sent.Single()));
    }

    [Fact]
    public async Task JoinByType_WhenEveryRoomOfferedIsFull_TriesFourRooms_ThenSaysRoomFull()
    {
        for (var i = 1; i <= 5; i++)
        {
            _grains.FoundRooms.Enqueue($"arena:r{i}");
        }
        _grains.Join = (roomId, _) => FakeGrains.Answer(JoinStatus.RoomFull, roomId);

        await _membership.JoinAsync(new Join("arena"));

        Assert.Equal(["arena:r1", "arena:r2", "arena:r3", "arena:r4"], _grains.Calls.Where(c => c.EndsWith(".Open", StringComparison.Ordinal)).Select(c => c[..^5]));
        var error = SentError();
        Assert.Equal(ErrorCode.RoomFull, error.Code);
        Assert.Equal("Room arena:r4 is full.", error.Message);
        Assert.Null(_seat.RoomId);
    }

    [Fact]
    public async Task Join_TheGameRefuses_SaysJoinRefusedWithTheGamesReason_AndPassesTheOptionsOn()
    {
        _grains.FoundRooms.Enqueue("tag:r1");
        _grains.Join = (roomId, _) => FakeGrains.Answer(JoinStatus.Refused, roomId) with { Reason = "Team red is full." };
        byte[] options = [0x81, 0xA4, (byte)'t', (byte)'e', (byte)'a', (byte)'m', 0xA3, (byte)'r', (byte)'e', (byte)'d'];

        await _membership.JoinAsync(new Join("tag", Options: options));

        var error = SentError();
        Assert.Equal(ErrorCode.JoinRefused, error.Code);
        Assert.Equal("Team red is full.", error.Message);
        Assert.Equal(options, _grains.LastJoinOptions);
        Assert.Null(_seat.RoomId);
    }

    [Fact]
    public async Task JoinByType_ForAGameTheMatchmakerDoesNotKnow_SaysUnknownRoomType()
    {
        await _membership.JoinAsync(new Join("nosuchgame"));

        var error = SentError();
        Assert.Equal(ErrorCode.UnknownRoomType, error.Code);
        Assert.Equal("No game is registered for room type 'nosuchgame'.", error.Message);
        Assert.Equal(["nosuchgame.FindRoom"], _grains.Calls);
    }

    [Fact]
    public async Task Join_ThatFailsOnTheServer_SaysTryAgain()
    {
        _grains.FoundRooms.Enqueue("arena:r1");
        _grains.Join = (_, _) => throw new TimeoutException("silo gone");

        await _membership.JoinAsync(new Join("arena"));

        Assert.Equal(ErrorCode.InternalError, SentError().Code);
    }

    [Fact]
    public async Task AJoinRefusedByTheChecks_CallsNoGrain()
    {
        await _membership.JoinAsync(new Join("arena", "arena:r1"));

        Assert.Equal(ErrorCode.InvalidJoin, SentError().Code);
        Assert.Empty(_grains.Calls);
    }

    [Theory]
    [InlineData(JoinStatus.ResumeRejected, ErrorCode.ResumeRejected)]
    [InlineData(JoinStatus.ResumeExpired, ErrorCode.ResumeExpired)]
    public async Task AResumeTheRoomRefuses_TellsTheClientToJoinAfresh_AndIsCounted(JoinStatus answer, int expectedCode)
    {
        _grains.Resume = (roomId, _, _) => FakeGrains.Answer(answer, roomId);

        await _membership.ResumeAsync(new Resume("arena:r1", "token"));

        var error = SentError();
        Assert.Equal(expectedCode, error.Code);
        Assert.EndsWith("join afresh.", error.Message, StringComparison.Ordinal);
        Assert.Equal(["arena:r1.Resume"], _grains.Calls);
        Assert.Equal(1, _metrics.Total("gameserver.edge.resumes"));
        Assert.Null(_seat.RoomId);
    }

    [Fact]
    public async Task LeaveAndDisconnect_OutsideARoom_CallNoGrainAndSendNothing()
    {
        await _membership.LeaveAsync(notify: true);
        await _membership.DisconnectAsync();

        Assert.Empty(_grains.Calls);
        Assert.Empty(_socket.Sent);
    }
}

using GameServer.Protocol;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.Edge.Tests;

public sealed class RoomRequestChecksTests
{
    [Theory]
    [InlineData("arena", null, true)]
    [InlineData(null, "arena:abc123", true)]
    public void AWellFormedJoin_GoesAhead(string? roomType, string? roomId, bool allowJoinByRoomId)
    {
        Assert.Null(RoomRequestChecks.CheckJoin(new Join(roomType, roomId), currentRoomId: null, allowJoinByRoomId));
    }

    [Theory]
    [InlineData("arena", null, "arena:other", true, ErrorCode.AlreadyInRoom)]
    [InlineData("arena", "arena:abc", null, true, ErrorCode.InvalidJoin)]
    [InlineData(null, null, null, true, ErrorCode.InvalidJoin)]
    [InlineData(null, "arena:abc", null, false, ErrorCode.JoinByIdNotAllowed)]
    [InlineData("no spaces", null, null, true, ErrorCode.InvalidJoin)]
    [InlineData(null, "no-colon", null, true, ErrorCode.InvalidJoin)]
    public void ABadJoin_IsRefusedWithItsErrorCode(string? roomType, string? roomId, string? currentRoomId, bool allowJoinByRoomId, int expectedCode)
    {
        var error = RoomRequestChecks.CheckJoin(new Join(roomType, roomId), currentRoomId, allowJoinByRoomId);

        Assert.Equal(expectedCode, error?.Code);
    }

    [Fact]
    public void AJoinWhileInARoom_SaysWhichRoomAndWhatToDo()
    {
        var error = RoomRequestChecks.CheckJoin(new Join("arena"), "arena:abc", allowJoinByRoomId: true);

        Assert.Equal("Already in room arena:abc; leave it first.", error?.Message);
    }

    [Fact]
    public void AWellFormedResume_GoesAhead()
    {
        Assert.Null(RoomRequestChecks.CheckResume(new Resume("arena:abc", "tok_en-22-characters12"), currentRoomId: null));
    }

    [Theory]
    [InlineData("arena:abc", "token", "arena:abc", ErrorCode.AlreadyInRoom)]
    [InlineData("not-a-room-id", "token", null, ErrorCode.ResumeRejected)]
    [InlineData("arena:abc", "", null, ErrorCode.ResumeRejected)]
    public void ABadResume_IsRefusedBeforeAnyGrainCall(string roomId, string token, string? currentRoomId, int expectedCode)
    {
        var error = RoomRequestChecks.CheckResume(new Resume(roomId, token), currentRoomId);

        Assert.Equal(expectedCode, error?.Code);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void AResumeToken_LongerThan64Characters_IsNoToken(int tokenLength, bool goesAhead)
    {
        var error = RoomRequestChecks.CheckResume(new Resume("arena:abc", new string('a', tokenLength)), currentRoomId: null);

        Assert.Equal(goesAhead, error is null);
    }
}

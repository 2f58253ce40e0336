using GameServer.Simulation;

namespace GameServer.Grains.Tests;

public sealed class RoomSeatsTests
{
    private const double GraceSeconds = 30;

    [Fact]
    public void Add_GivesEachSeatItsOwnTokenAtGenerationOne()
    {
        var seats = new RoomSeats();

        var a = seats.Add(1, "a", nowMs: 0);
        var b = seats.Add(2, "b", nowMs: 0);

        Assert.Equal((1, 1), (a.Generation, b.Generation));
        Assert.NotEqual(a.Token, b.Token);
        Assert.Equal(22, a.Token.Length); // 16 random bytes, URL-safe base64 without padding
        Assert.Equal(2, seats.Count);
    }

    [Fact]
    public void Resume_WithTheSeatsToken_TakesTheSeatOverWithANewTokenAndGeneration()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(7, "p1", nowMs: 0);
        var firstToken = seat.Token;

        var resume = seats.Resume("p1", firstToken, nowMs: 500);

        Assert.Equal(SeatResumeStatus.Resumed, resume.Status);
        Assert.Equal(7, resume.EntityId);
        Assert.False(resume.WasDisconnected);
        Assert.Equal(2, seat.Generation);
        Assert.NotEqual(firstToken, seat.Token);
        Assert.Equal(SeatResumeStatus.WrongToken, seats.Resume("p1", firstToken, nowMs: 600).Status);
    }

    [Theory]
    [InlineData("p1", "not-the-token", nameof(SeatResumeStatus.WrongToken))]
    [InlineData("p1", null, nameof(SeatResumeStatus.WrongToken))]
    [InlineData("someone-else", null, nameof(SeatResumeStatus.NoSeat))]
    public void Resume_WithoutTheSeatsToken_IsRefusedAndLeavesTheSeatAlone(string playerId, string? token, string expected)
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);
        var tokenBefore = seat.Token;

        var resume = seats.Resume(playerId, token, nowMs: 10);

        Assert.Equal(Enum.Parse<SeatResumeStatus>(expected), resume.Status);
        Assert.Equal((tokenBefore, 1), (seat.Token, seat.Generation));
    }

    [Fact]
    public void Disconnect_KeepsTheSeatForAResume_ThatReportsThePlayerWasGone()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);

        var disconnect = seats.Disconnect(1, seat.Generation, GraceSeconds, nowMs: 1_000);
        var resume = seats.Resume("p1", seat.Token, nowMs: 2_000);

        Assert.Equal(SeatDisconnectStatus.Held, disconnect.Status);
        Assert.True(resume.WasDisconnected);
        Assert.Null(seat.DisconnectedAt);
        Assert.Equal(0, seats.DisconnectedCount);
    }

    [Fact]
    public void Disconnect_OfAnOlderGeneration_OrTwice_IsIgnored()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);
        seats.Resume("p1", seat.Token, nowMs: 10); // taken over elsewhere: generation 2

        var stale = seats.Disconnect(1, generation: 1, GraceSeconds, nowMs: 20);
        var current = seats.Disconnect(1, generation: 2, GraceSeconds, nowMs: 30);
        var again = seats.Disconnect(1, generation: 2, GraceSeconds, nowMs: 40);

        Assert.Equal(SeatDisconnectStatus.Ignored, stale.Status);
        Assert.Equal(SeatDisconnectStatus.Held, current.Status);
        Assert.Equal(SeatDisconnectStatus.Ignored, again.Status);
        Assert.Equal(30, seat.DisconnectedAt);
    }

    [Fact]
    public void Disconnect_WithNoGraceWindow_AsksForTheSeatToBeReleased()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);

        var disconnect = seats.Disconnect(1, seat.Generation, reconnectGraceSeconds: 0, nowMs: 10);

        Assert.Equal(SeatDisconnectStatus.Release, disconnect.Status);
        Assert.Null(seat.DisconnectedAt);
    }

    [Fact]
    public void ASeatGoneForTheGraceWindow_Expires_AndItsTokenIsThenRefused()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);
        seats.Disconnect(1, seat.Generation, GraceSeconds, nowMs: 1_000);

        var justBefore = seats.Expired(GraceSeconds, nowMs: 30_999);
        var atTheEnd = seats.Expired(GraceSeconds, nowMs: 31_000);
        foreach (var entityId in atTheEnd ?? [])
        {
            seats.Remove(entityId);
        }

        Assert.Null(justBefore);
        Assert.Equal([1], atTheEnd);
        Assert.Equal(SeatResumeStatus.NoSeat, seats.Resume("p1", seat.Token, nowMs: 31_001).Status);
    }

    [Fact]
    public void ASeatNoEdgeRenews_CountsAsGoneSinceItsLastRenewal()
    {
        var seats = new RoomSeats();
        var renewed = seats.Add(1, "renewed", nowMs: 0);
        var orphaned = seats.Add(2, "orphaned", nowMs: 0);

        seats.Renew([1], nowMs: 10_000);
        var atTimeout = seats.Expired(GraceSeconds, nowMs: RoomSeats.HoldTimeoutMs);
        var pastTimeout = seats.Expired(GraceSeconds, nowMs: RoomSeats.HoldTimeoutMs + 1);
        var renewedGoneSince = renewed.DisconnectedAt;
        var orphanedGoneSince = orphaned.DisconnectedAt;
        var graceAfterLastRenewal = seats.Expired(GraceSeconds, nowMs: 30_000);

        Assert.Null(atTimeout);
        Assert.Null(pastTimeout);
        Assert.Null(renewedGoneSince);
        Assert.Equal(0, orphanedGoneSince);
        Assert.Equal([2], graceAfterLastRenewal);
        Assert.Equal(10_000, renewed.DisconnectedAt); // not renewed since either, but its grace runs from its own last renewal
    }

    [Fact]
    public void Renew_DoesNotReviveASeatWaitingForAResume()
    {
        var seats = new RoomSeats();
        var seat = seats.Add(1, "p1", nowMs: 0);
        seats.Disconnect(1, seat.Generation, GraceSeconds, nowMs: 1_000);

        seats.Renew([1], nowMs: 2_000);

        Assert.Equal(1_000, seat.DisconnectedAt);
        Assert.Equal(0, seat.LastHeldAt);
    }

    [Fact]
    public void SaveThenRestore_OnAnotherClock_KeepsTokensGenerationsAndTimeGone()
    {
        var seats = new RoomSeats();
        var connected = seats.Add(1, "connected", nowMs: 100);
        var gone = seats.Add(2, "gone", nowMs: 100);
        seats.Disconnect(2, gone.Generation, GraceSeconds, nowMs: 1_000);

        var saved = new[] { seats.Save(new PlayerProgress(1, 41), nowMs: 6_000), seats.Save(new PlayerProgress(2, 42), nowMs: 6_000) };
        var restored = new RoomSeats();
        restored.Restore(saved, nowMs: 900_000);

        Assert.Equal(new SeatCheckpoint(2, 42, "gone", gone.Token, 1, 5_000), saved[1]);
        Assert.Null(saved[0].DisconnectedForMs);
        Assert.Equal(900_000, restored.Find(1)!.LastHeldAt);
        Assert.Null(restored.Find(1)!.DisconnectedAt);
        Assert.Equal(895_000, restored.Find(2)!.DisconnectedAt);
        Assert.Equal(SeatResumeStatus.Resumed, restored.Resume("connected", connected.Token, nowMs: 900_001).Status);
    }
}

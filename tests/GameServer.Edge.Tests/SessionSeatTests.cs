using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GameServer.Edge.Tests;

public sealed class SessionSeatTests : IDisposable
{
    private readonly TestMetrics _metrics = new();
    private readonly RoomLink _roomA;
    private readonly RoomLink _roomB;

    public SessionSeatTests()
    {
        _roomA = NewLink("arena:a");
        _roomB = NewLink("arena:b");
    }

    public void Dispose()
    {
        _roomA.Dispose();
        _roomB.Dispose();
        _metrics.Dispose();
    }

    private RoomLink NewLink(string roomId) =>
        new(roomId, TimeSpan.FromMilliseconds(50), 1, NoGrains.Create(), new EdgeOptions(), _metrics.Edge, NullLogger.Instance);

    [Fact]
    public void ANewSession_IsInNoRoom_AndItsInputsHaveNowhereToGo()
    {
        var seat = new SessionSeat();

        Assert.Null(seat.RoomId);
        Assert.Null(seat.ForInput().Link);
        Assert.Null(seat.Detach());
    }

    [Fact]
    public void ASeatedAndAttachedSession_SendsInputsToItsRoom_AndVouchesForItsSeatThere()
    {
        var seat = new SessionSeat();

        seat.Seat(entityId: 3, generation: 2);
        var vouchedBeforeAttach = seat.SeatIn(_roomA);
        seat.Attach(_roomA);

        Assert.Null(vouchedBeforeAttach);
        Assert.Equal("arena:a", seat.RoomId);
        Assert.Equal((_roomA, 3, 2), seat.ForInput());
        Assert.Equal((3, 2), seat.SeatIn(_roomA));
        Assert.Null(seat.SeatIn(_roomB));
    }

    [Fact]
    public void TryDetach_DropsOnlyTheLinkStillHeld()
    {
        var seat = new SessionSeat();
        seat.Seat(3, 2);
        seat.Attach(_roomA);

        var otherRoom = seat.TryDetach(_roomB);
        var heldRoom = seat.TryDetach(_roomA);
        var again = seat.TryDetach(_roomA);

        Assert.False(otherRoom);
        Assert.True(heldRoom);
        Assert.False(again);
        Assert.Null(seat.RoomId);
    }

    [Fact]
    public void Detach_HandsBackTheSeatOnce_ForTheLeaveOrDisconnect()
    {
        var seat = new SessionSeat();
        seat.Seat(3, 2);
        seat.Attach(_roomA);

        var first = seat.Detach();
        var second = seat.Detach();

        Assert.Equal((_roomA, 3, 2), first);
        Assert.Null(second);
        Assert.Null(seat.SeatIn(_roomA));
    }

    /// <summary>A grain factory that hands out nothing: these tests never call a room.</summary>
    private class NoGrains : DispatchProxy
    {
        public static IGrainFactory Create() => Create<IGrainFactory, NoGrains>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => null;
    }
}

using GameServer.Protocol.Arena;
using GameServer.Simulation.Games.Arena;

namespace GameServer.Simulation.Tests;

public sealed class LiveTuningTests
{
    [Fact]
    public void Errors_NameEveryFieldOutOfRange_WithTheRoomTypeValueAndRange()
    {
        var settings = new RoomSettings { TickRateHz = 0, SnapshotEveryTicks = 61, MaxPlayers = 300, InputQueueCapacity = 0, MaxCatchUpSteps = 21, EmptyRoomGraceSeconds = -1,
            ReconnectGraceSeconds = 3601, CheckpointIntervalSeconds = 0 };

        var errors = settings.Errors("arena").ToDictionary(e => e.Field, e => e.Message);

        Assert.Equal(RoomSettings.Fields.Select(f => f.Name).Order(), errors.Keys.Order());
        Assert.Equal("Room type 'arena': TickRateHz = 0 is out of range; allowed 1–120 Hz.", errors["TickRateHz"]);
        Assert.Contains("MaxPlayers = 300", errors["MaxPlayers"]);
    }

    [Fact]
    public void Defaults_HaveNoErrors() => Assert.Empty(new RoomSettings().Errors("arena"));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.5)]
    [InlineData(10_000.5)]
    public void TunableCheck_RefusesNonFiniteAndOutOfRange(double value) =>
        Assert.NotNull(ArenaTunables.Definitions.Single(t => t.Name == "MaxSpeed").Check(value));

    [Fact]
    public void ArenaTunables_With_TakesNamedValuesAndKeepsTheRest()
    {
        var tunables = new ArenaTunables().With(new Dictionary<string, double> { ["MaxSpeed"] = 320 });

        Assert.Equal(320f, tunables.MaxSpeed);
        Assert.Equal(1000f, tunables.ArenaSize);
    }

    [Fact]
    public void ArenaRoom_AfterASpeedChange_MovesAtTheNewSpeedFromTheNextInput()
    {
        var settings = new ArenaGame().DefaultSettings;
        var room = new ArenaGame().CreateRoom(new GameRoomContext("arena:t", 1, settings));
        var runtime = new RoomRuntime(room, settings);
        var player = runtime.Join()!.Value;

        runtime.ApplySettings(settings, new Dictionary<string, double> { ["MaxSpeed"] = 400 });
        runtime.Enqueue(player, 1, new ArenaInput(1, 0).ToPayload());
        runtime.Step();

        var body = Assert.IsType<ArenaRoom>(room).Bodies.Single();
        Assert.Equal(400f, body.Vx);
    }
}

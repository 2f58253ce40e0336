namespace GameServer.Simulation.Tests;

public class RoomSettingsTests
{
    [Theory]
    [InlineData("TickRateHz", 0, "1–120")]
    [InlineData("TickRateHz", 121, "1–120")]
    [InlineData("SnapshotEveryTicks", 0, "1–60")]
    [InlineData("SnapshotEveryTicks", 61, "1–60")]
    [InlineData("MaxPlayers", 0, "1–256")]
    [InlineData("MaxPlayers", 257, "1–256")]
    [InlineData("InputQueueCapacity", 0, "1–1024")]
    [InlineData("InputQueueCapacity", 1025, "1–1024")]
    [InlineData("MaxCatchUpSteps", 0, "1–20")]
    [InlineData("MaxCatchUpSteps", 21, "1–20")]
    [InlineData("EmptyRoomGraceSeconds", -1, "0–3600")]
    [InlineData("EmptyRoomGraceSeconds", 3600.5, "0–3600")]
    [InlineData("EmptyRoomGraceSeconds", double.NaN, "0–3600")]
    [InlineData("ReconnectGraceSeconds", -1, "0–3600")]
    [InlineData("CheckpointIntervalSeconds", 0.01, "0.05–60")]
    [InlineData("CheckpointIntervalSeconds", 61, "0.05–60")]
    public void Validate_WhenFieldOutOfRange_ThrowsArgumentExceptionNamingRoomTypeFieldAndRange(string field, double value, string range)
    {
        var settings = WithField(new RoomSettings(), field, value);

        var ex = Assert.Throws<ArgumentException>(() => settings.Validate("my-game"));

        Assert.Equal(field, ex.ParamName);
        Assert.Contains("'my-game'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TickRateHz", 1)]
    [InlineData("TickRateHz", 120)]
    [InlineData("SnapshotEveryTicks", 60)]
    [InlineData("MaxPlayers", 256)]
    [InlineData("InputQueueCapacity", 1024)]
    [InlineData("MaxCatchUpSteps", 20)]
    [InlineData("EmptyRoomGraceSeconds", 0)]
    [InlineData("EmptyRoomGraceSeconds", 3600)]
    [InlineData("ReconnectGraceSeconds", 0)]
    [InlineData("CheckpointIntervalSeconds", 0.05)]
    public void Validate_WhenFieldAtRangeBoundary_DoesNotThrow(string field, double value)
    {
        var settings = WithField(new RoomSettings(), field, value);

        Assert.Null(Record.Exception(() => settings.Validate("my-game")));
    }

    [Fact]
    public void Validate_WhenDefaults_DoesNotThrow()
    {
        Assert.Null(Record.Exception(() => new RoomSettings().Validate("arena")));
    }

    [Theory]
    [InlineData(20, 500_000)]
    [InlineData(60, 166_667)]
    [InlineData(1, 10_000_000)]
    public void TickInterval_IsOneOverTickRate(int tickRateHz, long expectedTicks)
    {
        var interval = new RoomSettings { TickRateHz = tickRateHz }.TickInterval;

        Assert.InRange(interval.Ticks, expectedTicks - 1, expectedTicks + 1);
    }

    private static RoomSettings WithField(RoomSettings settings, string field, double value) => field switch
    {
        "TickRateHz" => settings with { TickRateHz = (int)value },
        "SnapshotEveryTicks" => settings with { SnapshotEveryTicks = (int)value },
        "MaxPlayers" => settings with { MaxPlayers = (int)value },
        "InputQueueCapacity" => settings with { InputQueueCapacity = (int)value },
        "MaxCatchUpSteps" => settings with { MaxCatchUpSteps = (int)value },
        "EmptyRoomGraceSeconds" => settings with { EmptyRoomGraceSeconds = value },
        "ReconnectGraceSeconds" => settings with { ReconnectGraceSeconds = value },
        "CheckpointIntervalSeconds" => settings with { CheckpointIntervalSeconds = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}

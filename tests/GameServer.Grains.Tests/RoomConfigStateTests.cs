using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Options;

namespace GameServer.Grains.Tests;

public sealed class RoomConfigStateTests
{
    // slowtick's defaults: 2 Hz, 4 players; configured here to 5 Hz.
    private static readonly RoomConfigRules s_rules = new(
        new GameCatalog([new SlowTickGame()]),
        new FixedOptionsMonitor(new RoomsOptions { [SlowTickGame.Type] = new RoomTypeOptions { TickRateHz = 5 } }));

    private static RoomConfig TypeConfig(int tickRateHz) => s_rules.Configured(SlowTickGame.Type)! with { TickRateHz = tickRateHz };

    private static RoomConfigState Opened(RoomConfigPatch? savedOverrides = null)
    {
        var config = new RoomConfigState(s_rules, SlowTickGame.Type);
        config.Open(TypeConfig(2), savedOverrides);
        return config;
    }

    [Fact]
    public void Open_WithoutALiveTypeConfig_UsesTheConfiguredOne()
    {
        var config = new RoomConfigState(s_rules, SlowTickGame.Type);

        var opened = config.Open(typeConfig: null, savedOverrides: null);

        Assert.Equal((5, 4), (opened.TickRateHz, opened.MaxPlayers));
    }

    [Fact]
    public void Open_ARestoredRoom_KeepsTheOverridesItWasSavedWith()
    {
        var config = new RoomConfigState(s_rules, SlowTickGame.Type);

        var opened = config.Open(TypeConfig(2), new RoomConfigPatch { MaxPlayers = 3 });

        Assert.Equal((2, 3), (opened.TickRateHz, opened.MaxPlayers));
        Assert.Equal(3, config.Overrides.MaxPlayers);
    }

    [Fact]
    public void SetOverrides_WhileTicking_WaitsForTheNextTickBoundary_AndIsHandedOutOnce()
    {
        var config = Opened();

        var change = config.SetOverrides(new RoomConfigPatch { TickRateHz = 10 }, ticking: true, out var applyNow);

        Assert.True(change.Succeeded);
        Assert.Equal((2, 10), (change.Before!.TickRateHz, change.After!.TickRateHz));
        Assert.Null(applyNow);
        Assert.Equal(10, config.TakePending()?.TickRateHz);
        Assert.Null(config.TakePending());
    }

    [Fact]
    public void SetOverrides_WhenIdle_AppliesAtOnce_WithNothingLeftForATick()
    {
        var config = Opened();

        config.SetOverrides(new RoomConfigPatch { TickRateHz = 10 }, ticking: false, out var applyNow);

        Assert.Equal(10, applyNow?.TickRateHz);
        Assert.Null(config.TakePending());
    }

    [Fact]
    public void AChangeLeftWaitingWhenTheRoomWentIdle_DoesNotComeBackOverANewerOneAppliedWhileIdle()
    {
        var config = Opened();
        config.SetOverrides(new RoomConfigPatch { TickRateHz = 10 }, ticking: true, out _); // the last player leaves before that tick

        config.SetOverrides(new RoomConfigPatch { TickRateHz = 4 }, ticking: false, out var applyNow);

        Assert.Equal(4, applyNow?.TickRateHz);
        Assert.Null(config.TakePending()); // the first tick after players return keeps 4 Hz
    }

    [Fact]
    public void TwoChangesBetweenTicks_TheLaterOneIsWhatTheTickApplies()
    {
        var config = Opened();

        config.SetOverrides(new RoomConfigPatch { TickRateHz = 10 }, ticking: true, out _);
        config.SetOverrides(new RoomConfigPatch { MaxPlayers = 3 }, ticking: true, out _);

        var pending = config.TakePending()!;
        Assert.Equal((2, 3), (pending.TickRateHz, pending.MaxPlayers));
    }

    [Fact]
    public void SetOverrides_ThatBreakTheRules_AreRefusedWithEveryBadField_AndChangeNothing()
    {
        var config = Opened(new RoomConfigPatch { MaxPlayers = 3 });

        var change = config.SetOverrides(new RoomConfigPatch { TickRateHz = 0, MaxPlayers = 0 }, ticking: true, out var applyNow);

        Assert.False(change.Succeeded);
        Assert.Equal(["MaxPlayers", "TickRateHz"], change.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Null(applyNow);
        Assert.Null(config.TakePending());
        Assert.Equal(3, config.Overrides.MaxPlayers);
        Assert.Equal(3, config.Effective!.MaxPlayers);
    }

    [Fact]
    public void SetOverrides_Null_ClearsTheRoomsOverrides()
    {
        var config = Opened(new RoomConfigPatch { MaxPlayers = 3 });

        config.SetOverrides(null, ticking: false, out var applyNow);

        Assert.Equal(4, applyNow!.MaxPlayers);
        Assert.True(config.Overrides.IsEmpty);
    }

    [Fact]
    public void ATypeChange_KeepsTheRoomsOverridesOnTop_AndWaitsForTheTickToo()
    {
        var config = Opened(new RoomConfigPatch { MaxPlayers = 3 });

        var applyNow = config.TypeChanged(TypeConfig(10), ticking: true);

        Assert.Null(applyNow);
        var pending = config.TakePending()!;
        Assert.Equal((10, 3), (pending.TickRateHz, pending.MaxPlayers));
    }

    private sealed class FixedOptionsMonitor(RoomsOptions value) : IOptionsMonitor<RoomsOptions>
    {
        public RoomsOptions CurrentValue => value;

        public RoomsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RoomsOptions, string?> listener) => null;
    }
}

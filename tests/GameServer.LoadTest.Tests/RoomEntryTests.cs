using GameServer.LoadTest.Bots;

namespace GameServer.LoadTest.Tests;

/// <summary>The join options each bot sends: none in the arena, the two tag teams in turn.</summary>
public sealed class RoomEntryTests
{
    [Fact]
    public void JoinOptionsFor_TagBots_AlternateRedAndBlue()
    {
        var entry = new RoomEntry(new LoadTestOptions { Game = GameKind.Tag, RoomType = "tag" }, players: 4);

        var teams = Enumerable.Range(0, 4).Select(i => entry.JoinOptionsFor(i)!["team"]).ToArray();

        Assert.Equal(new[] { "red", "blue", "red", "blue" }, teams);
    }

    [Fact]
    public void JoinOptionsFor_ArenaBots_IsNone()
    {
        var entry = new RoomEntry(new LoadTestOptions(), players: 2);

        Assert.Null(entry.JoinOptionsFor(0));
        Assert.Null(entry.JoinOptionsFor(1));
    }
}

using GameServer.Simulation.Games.Arena;
using MessagePack;

namespace GameServer.Simulation.Tests;

public class GameCatalogTests
{
    [Fact]
    public void Constructor_WhenGamesHaveDistinctValidRoomTypes_RegistersEach()
    {
        var arena = new ArenaGame();
        var other = new StubGame("my-game_2");

        var catalog = new GameCatalog([arena, other]);

        Assert.Equal(new[] { "arena", "my-game_2" }, catalog.RoomTypes.Order(StringComparer.Ordinal));
        Assert.True(catalog.TryGet("arena", out var found));
        Assert.Same(arena, found);
        Assert.True(catalog.TryGet("my-game_2", out var foundOther));
        Assert.Same(other, foundOther);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("Arena")] // room types are case-sensitive
    [InlineData("")]
    public void TryGet_WhenRoomTypeNotRegistered_ReturnsFalse(string roomType)
    {
        var catalog = new GameCatalog([new ArenaGame()]);

        Assert.False(catalog.TryGet(roomType, out _));
    }

    [Fact]
    public void Constructor_WhenTwoGamesShareARoomType_ThrowsArgumentExceptionNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GameCatalog([new ArenaGame(), new StubGame("arena")]));

        Assert.Contains("'arena'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ArenaGame), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(StubGame), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("arena room")]
    [InlineData("arena:1")]
    [InlineData("a/b")]
    [InlineData("café")]
    [InlineData("arena\n")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")] // 33 characters
    public void Constructor_WhenRoomTypeInvalid_ThrowsArgumentException(string? roomType)
    {
        var ex = Assert.Throws<ArgumentException>(() => new GameCatalog([new StubGame(roomType!)]));

        Assert.Contains("room type", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A-Z_09")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32 characters
    public void Constructor_WhenRoomTypeAtTheEdgeOfValid_Accepts(string roomType)
    {
        var catalog = new GameCatalog([new StubGame(roomType)]);

        Assert.True(catalog.TryGet(roomType, out _));
    }

    [Fact]
    public void Constructor_WhenDefaultSettingsInvalid_ThrowsArgumentExceptionNamingRoomType()
    {
        var game = new StubGame("slow", new RoomSettings { TickRateHz = 0 });

        var ex = Assert.Throws<ArgumentException>(() => new GameCatalog([game]));

        Assert.Contains("'slow'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(RoomSettings.TickRateHz), ex.ParamName);
    }

    [Fact]
    public void Constructor_WhenGamesNull_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new GameCatalog(null!));
    }

    private sealed class StubGame(string roomType, RoomSettings? settings = null) : IGame
    {
        public string RoomType { get; } = roomType;

        public RoomSettings DefaultSettings { get; } = settings ?? new RoomSettings();

        public IGameRoom CreateRoom(GameRoomContext context) => new NullRoom();

        private sealed class NullRoom : IGameRoom
        {
            public void OnJoin(int entityId)
            {
            }

            public void OnLeave(int entityId)
            {
            }

            public bool TryApplyInput(int entityId, ReadOnlySpan<byte> payload) => false;

            public void Step(float dtSeconds, long tick)
            {
            }

            public void WriteState(ref MessagePackWriter writer) => writer.WriteNil();

            public void SaveState(ref MessagePackWriter writer) => writer.WriteNil();

            public void RestoreState(ref MessagePackReader reader) => reader.Skip();

            public void OnDispose()
            {
            }
        }
    }
}

namespace GameServer.Simulation;

/// <summary>
/// A game plug-in: registered once per room type, it creates one <see cref="IGameRoom"/> per room.
/// Implement this (usually by deriving <see cref="GameRoom{TInput}"/> for the room) to add a game without touching
/// the networking or the grains.
/// </summary>
public interface IGame
{
    /// <summary>The room type clients matchmake by, e.g. <c>"arena"</c>. Letters, digits, '-' and '_' only.</summary>
    string RoomType { get; }

    /// <summary>How rooms of this type tick unless configured otherwise.</summary>
    RoomSettings DefaultSettings { get; }

    /// <summary>The game's own tunables (e.g. speed, arena size) with their ranges; none by default.</summary>
    IReadOnlyList<TunableDefinition> Tunables => [];

    /// <summary>The properties players choose rooms by (e.g. a mode or a map); none by default.</summary>
    IReadOnlyList<RoomPropertyDefinition> Properties => [];

    /// <summary>Creates the game state of a new room. Called once per room, before any player joins.</summary>
    IGameRoom CreateRoom(GameRoomContext context);
}

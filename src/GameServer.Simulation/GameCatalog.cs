namespace GameServer.Simulation;

/// <summary>The games this server runs, by room type.</summary>
public sealed class GameCatalog
{
    private readonly Dictionary<string, IGame> _games;

    public GameCatalog(IEnumerable<IGame> games)
    {
        ArgumentNullException.ThrowIfNull(games);
        _games = new Dictionary<string, IGame>(StringComparer.Ordinal);
        foreach (var game in games)
        {
            if (string.IsNullOrEmpty(game.RoomType) || game.RoomType.Length > 32
                || !game.RoomType.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"Game {game.GetType().Name} has room type '{game.RoomType}'; use 1–32 letters, digits, '-' or '_'.");
            }
            if (!_games.TryAdd(game.RoomType, game))
            {
                throw new ArgumentException($"Two games register room type '{game.RoomType}': {_games[game.RoomType].GetType().Name} and {game.GetType().Name}.");
            }
            game.DefaultSettings.Validate(game.RoomType);
        }
    }

    public IReadOnlyCollection<string> RoomTypes => _games.Keys;

    public bool TryGet(string roomType, out IGame game) => _games.TryGetValue(roomType, out game!);
}

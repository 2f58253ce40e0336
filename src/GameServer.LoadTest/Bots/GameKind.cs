namespace GameServer.LoadTest.Bots;

/// <summary>Which sample game the bots play (--game).</summary>
internal enum GameKind
{
    /// <summary>The arena: room type "arena", no join options.</summary>
    Arena,

    /// <summary>
    /// Tag: room type "tag"; bots join with the join option team, red and blue in turn (bot 0 red, bot 1 blue, …), and
    /// move as arena bots do (the same [dx, dy] inputs). The game sends events (tags, swaps, sightings).
    /// </summary>
    Tag,
}

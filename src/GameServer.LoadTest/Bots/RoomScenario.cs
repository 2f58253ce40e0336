namespace GameServer.LoadTest.Bots;

/// <summary>How the bots get into rooms (--scenario).</summary>
internal enum RoomScenario
{
    /// <summary>Every bot matchmakes (join-or-create) with the --property criteria; the server fills a room before it opens the next.</summary>
    Matchmade,

    /// <summary>
    /// Bots come in groups of --players-per-room: the first of each group creates a private room (with the --property
    /// values) and the others join it by its code, as friends sharing a code would.
    /// </summary>
    Private,
}

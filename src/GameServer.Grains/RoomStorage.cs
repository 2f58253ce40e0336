namespace GameServer.Grains;

/// <summary>The grain storage providers the room grains need; each host registers both.</summary>
public static class RoomStorage
{
    /// <summary>Room-type settings (designers' live tuning): kept until changed.</summary>
    public const string Settings = "rooms";

    /// <summary>
    /// Room checkpoints: rewritten every second while a room runs, deleted when it closes. Kept apart from the settings
    /// so a cluster can give them an expiry: the checkpoint of a room nobody came back for must not stay forever.
    /// </summary>
    public const string Checkpoints = "checkpoints";
}

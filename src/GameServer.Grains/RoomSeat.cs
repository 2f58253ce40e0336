namespace GameServer.Grains;

/// <summary>A player's seat: who, the secret to resume it, and whether (and since when) they are gone.</summary>
internal sealed class RoomSeat(string playerId, string token, int generation)
{
    public string PlayerId { get; } = playerId;
    public string Token { get; set; } = token;
    /// <summary>Counts the connections that held the seat: a stale connection's disconnect names an older one and is ignored.</summary>
    public int Generation { get; set; } = generation;
    /// <summary>
    /// The generation from which inputs count: a Join that takes the seat over restarts the input sequence, so inputs of
    /// older connections are dropped; a resume continues the sequence and keeps this.
    /// </summary>
    public int InputsFromGeneration { get; set; }
    /// <summary>When an edge last vouched for the connection (<see cref="Environment.TickCount64"/> ms).</summary>
    public long LastHeldAt { get; set; }
    /// <summary>When the player was last seen connected, if they are gone (<see cref="Environment.TickCount64"/> ms).</summary>
    public long? DisconnectedAt { get; set; }
    /// <summary>The role or team the game gave the player (repeated in the Welcome of a resume); null for none.</summary>
    public string? Role { get; set; }
}

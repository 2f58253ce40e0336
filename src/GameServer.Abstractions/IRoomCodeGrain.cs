namespace GameServer.Abstractions;

/// <summary>
/// One private room code (the grain key, as <see cref="RoomCodes.Normalize"/> gives it) and the room it leads to. Kept in
/// grain storage, so a code still resolves after the silo holding it died; released when the room closes.
/// </summary>
[Alias("gs.IRoomCodeGrain")]
public interface IRoomCodeGrain : IGrainWithStringKey
{
    /// <summary>Takes the code for <paramref name="roomId"/>; false when another room holds it.</summary>
    Task<bool> Claim(string roomId);

    /// <summary>The room the code leads to, or null.</summary>
    Task<string?> Resolve();

    /// <summary>The room closed: the code is free again (unless another room holds it by now).</summary>
    Task Release(string roomId);
}

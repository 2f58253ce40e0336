using GameServer.Abstractions;
using Orleans.Runtime;

namespace GameServer.Grains;

/// <summary>
/// A private room's code and the room it leads to, kept in the room-settings storage (Redis in a cluster, kept until
/// released), so the code outlives the silo that handed it out.
/// </summary>
internal sealed class RoomCodeGrain([PersistentState("code", RoomStorage.Settings)] IPersistentState<RoomCodeState> state) : Grain, IRoomCodeGrain
{
    public async Task<bool> Claim(string roomId)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        if (state.State.RoomId is { } holder)
        {
            return holder == roomId;
        }
        state.State.RoomId = roomId;
        await state.WriteStateAsync().ConfigureAwait(true);
        return true;
    }

    public Task<string?> Resolve() => Task.FromResult(state.State.RoomId);

    public async Task Release(string roomId)
    {
        if (state.State.RoomId != roomId)
        {
            return;
        }
        await state.ClearStateAsync().ConfigureAwait(true);
        state.State = new RoomCodeState();
        DeactivateOnIdle();
    }
}

[GenerateSerializer, Alias("gs.RoomCodeState")]
internal sealed class RoomCodeState
{
    [Id(0)] public string? RoomId { get; set; }
}

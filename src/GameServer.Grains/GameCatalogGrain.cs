using GameServer.Abstractions;
using GameServer.Simulation;
using Orleans.Concurrency;

namespace GameServer.Grains;

/// <summary>Answers with the silo's registered room types; stateless, so any silo answers locally.</summary>
[StatelessWorker]
internal sealed class GameCatalogGrain(GameCatalog catalog) : Grain, IGameCatalogGrain
{
    public Task<string[]> GetRoomTypes() => Task.FromResult(catalog.RoomTypes.Order(StringComparer.Ordinal).ToArray());
}

using GameServer.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameServer.Grains;

/// <summary>Registers what the room grains need in a silo.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>Adds a game plug-in; call once per game the silo runs.</summary>
    public static IServiceCollection AddGame<TGame>(this IServiceCollection services)
        where TGame : class, IGame
    {
        services.AddSingleton<IGame, TGame>();
        services.TryAddSingleton<GameCatalog>();
        services.AddMetrics();
        services.TryAddSingleton<RoomMetrics>();
        return services;
    }
}

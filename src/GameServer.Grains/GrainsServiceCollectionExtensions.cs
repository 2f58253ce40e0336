using GameServer.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

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
        services.TryAddSingleton<RoomConfigRules>();
        services.TryAddSingleton<RoomPropertyRules>();
        services.TryAddSingleton<LocalRooms>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, RoomHandoverParticipant>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoomsOptions>, RoomsOptionsValidator>());
        return services;
    }

    /// <summary>
    /// Binds per room type settings from the <c>Rooms</c> section (validated at start-up, re-read when the file
    /// changes) and pushes reloads to the running rooms, and the tick phases from <c>RoomTicks</c>.
    /// </summary>
    public static IServiceCollection AddRoomSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoomsOptions>().Bind(configuration.GetSection(RoomsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RoomTickOptions>().Bind(configuration.GetSection(RoomTickOptions.SectionName))
            .Validate(ticks => ticks.Phases is >= 0 and <= RoomTickOptions.MaxPhases,
                $"{RoomTickOptions.SectionName}:{nameof(RoomTickOptions.Phases)} must be between 0 and {RoomTickOptions.MaxPhases}.")
            .ValidateOnStart();
        services.AddHostedService<RoomSettingsReloader>();
        return services;
    }
}

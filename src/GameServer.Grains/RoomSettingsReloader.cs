using GameServer.Abstractions;
using GameServer.Simulation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Grains;

/// <summary>
/// When the configuration file changes, tells each room type's grain to re-read it and push the result to its rooms.
/// A file that fails validation is refused with a log naming the field; the running settings stay.
/// </summary>
internal sealed partial class RoomSettingsReloader(
    IOptionsMonitor<RoomsOptions> options, GameCatalog catalog, IGrainFactory grains, ILogger<RoomSettingsReloader> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = options.OnChange(changed => PushAsync().Ignore());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task PushAsync()
    {
        try
        {
            _ = options.CurrentValue; // throws OptionsValidationException for an invalid file
            foreach (var roomType in catalog.RoomTypes)
            {
                await grains.GetGrain<IRoomTypeGrain>(roomType).ConfigurationChanged().ConfigureAwait(false);
            }
            Log.Reloaded(logger);
        }
        catch (OptionsValidationException ex)
        {
            Log.Invalid(logger, ex.Message);
        }
        catch (Exception ex)
        {
            Log.Failed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "Room settings reloaded from configuration")]
        public static partial void Reloaded(ILogger logger);

        [LoggerMessage(31, LogLevel.Error, "Changed room settings refused, the running ones stay: {Reason}")]
        public static partial void Invalid(ILogger logger, string reason);

        [LoggerMessage(32, LogLevel.Warning, "Pushing reloaded room settings failed")]
        public static partial void Failed(ILogger logger, Exception ex);
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GameServer.Clustering;

/// <summary>Refuses to start a cluster host with settings that cannot work, naming the key and the fix.</summary>
internal sealed class GameClusterOptionsValidator : IValidateOptions<GameClusterOptions>
{
    private const string Section = GameClusterOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, GameClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.RedisConnectionString)} is empty. Set it to the Redis holding the cluster's membership table and room storage, e.g. {Section}__{nameof(GameClusterOptions.RedisConnectionString)}=127.0.0.1:6379.");
        }
        else if (TryParseRedis(options.RedisConnectionString) is { } problem)
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.RedisConnectionString)} '{Redact(options.RedisConnectionString)}' is not a StackExchange.Redis connection string ({problem}). Use host:port[,option=value...], e.g. 127.0.0.1:6379.");
        }
        RequireText(errors, nameof(GameClusterOptions.ClusterId), options.ClusterId);
        RequireText(errors, nameof(GameClusterOptions.ServiceId), options.ServiceId);
        if (string.IsNullOrWhiteSpace(options.AdvertisedIPAddress))
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.AdvertisedIPAddress)} is empty. Set the address peers reach this silo on (an IP, or a host name that resolves to one).");
        }
        else if (ResolveAdvertisedAddress(options.AdvertisedIPAddress, out var failure) is null)
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.AdvertisedIPAddress)} '{options.AdvertisedIPAddress}' {failure}");
        }
        RequirePort(errors, nameof(GameClusterOptions.SiloPort), options.SiloPort);
        RequirePort(errors, nameof(GameClusterOptions.GatewayPort), options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.SiloPort)} and {Section}:{nameof(GameClusterOptions.GatewayPort)} are both {options.SiloPort}; give them different ports.");
        }
        RequireRange(errors, nameof(GameClusterOptions.ProbeTimeoutMs), options.ProbeTimeoutMs, 100, 60_000);
        RequireRange(errors, nameof(GameClusterOptions.MaxProbeTimeoutMs), options.MaxProbeTimeoutMs, 100, 600_000);
        if (options.MaxProbeTimeoutMs < options.ProbeTimeoutMs)
        {
            errors.Add($"{Section}:{nameof(GameClusterOptions.MaxProbeTimeoutMs)} ({options.MaxProbeTimeoutMs}) is below {Section}:{nameof(GameClusterOptions.ProbeTimeoutMs)} ({options.ProbeTimeoutMs}); raise it to at least that.");
        }
        RequireRange(errors, nameof(GameClusterOptions.NumMissedProbesLimit), options.NumMissedProbesLimit, 1, 10);
        RequireRange(errors, nameof(GameClusterOptions.NumVotesForDeathDeclaration), options.NumVotesForDeathDeclaration, 1, 10);
        RequireRange(errors, nameof(GameClusterOptions.IAmAliveTablePublishSeconds), options.IAmAliveTablePublishSeconds, 1, 600);
        RequireRange(errors, nameof(GameClusterOptions.TableRefreshSeconds), options.TableRefreshSeconds, 1, 600);
        RequireRange(errors, nameof(GameClusterOptions.GatewayListRefreshSeconds), options.GatewayListRefreshSeconds, 1, 600);
        RequireRange(errors, nameof(GameClusterOptions.ResponseTimeoutSeconds), options.ResponseTimeoutSeconds, 1, 600);
        RequireRange(errors, nameof(GameClusterOptions.CheckpointExpiryMinutes), options.CheckpointExpiryMinutes, 5, 10_080);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The address to advertise: <paramref name="value"/> as an IP, or the first IPv4 address its host name resolves to.</summary>
    internal static IPAddress? ResolveAdvertisedAddress(string value, out string? failure)
    {
        failure = null;
        if (IPAddress.TryParse(value, out var address))
        {
            return address;
        }
        try
        {
            var addresses = Dns.GetHostAddresses(value);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is null)
            {
                failure = "resolves to no address. Use an IP address, or a host name this machine can resolve.";
            }
            return chosen;
        }
        catch (SocketException ex)
        {
            failure = $"is neither an IP address nor a host name that resolves ({ex.Message}). Use this machine's address as peers see it.";
            return null;
        }
    }

    private static string? TryParseRedis(string connectionString)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count == 0 ? "no host:port in it" : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    // The connection string may carry a password; show only what comes before the first option.
    private static string Redact(string connectionString) =>
        connectionString.Contains("password", StringComparison.OrdinalIgnoreCase) ? connectionString.Split(',')[0] + ",…" : connectionString;

    private static void RequireText(List<string> errors, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{Section}:{key} is empty. Every silo and edge of one cluster needs the same non-empty {key} (default 'gameserver').");
        }
    }

    private static void RequirePort(List<string> errors, string key, int value)
    {
        if (value is < 1 or > 65535)
        {
            errors.Add($"{Section}:{key} is {value}; use a TCP port from 1 to 65535.");
        }
    }

    private static void RequireRange(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Section}:{key} is {value}; use {min} to {max}.");
        }
    }
}

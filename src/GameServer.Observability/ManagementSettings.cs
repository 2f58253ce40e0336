using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace GameServer.Observability;

/// <summary>
/// Reads <c>Management:Urls</c> and the game's own addresses before Kestrel starts, failing start-up with a message
/// that names the setting, the bad value and the fix.
/// </summary>
internal static class ManagementSettings
{
    public const string Setting = ManagementOptions.SectionName + ":" + nameof(ManagementOptions.Urls);

    public const string KestrelEndpointsSection = "Kestrel:Endpoints";

    private const string Variable = ManagementOptions.SectionName + "__" + nameof(ManagementOptions.Urls);

    /// <param name="servesGame">False for a process with no game port (the silo): it listens on the management URLs only.</param>
    /// <param name="defaultGameUrl">The game's address when no setting gives one.</param>
    public static ManagementPort Resolve(IConfiguration configuration, bool isDevelopment, bool servesGame, string defaultGameUrl)
    {
        var configured = configuration[Setting];
        var urls = Split(configured);
        if (urls.Count == 0)
        {
            if (isDevelopment && servesGame)
            {
                return new ManagementPort([], [], exclusive: false);
            }
            throw new InvalidOperationException(servesGame
                ? $"{Setting} is empty: outside Development /metrics, /healthz, /readyz and /dashboard answer only on the management port, " +
                  $"so probes and Prometheus would find nothing. Set {Setting} (environment variable {Variable}) to a URL with a port of its own, e.g. http://127.0.0.1:5090."
                : $"{Setting} is empty: this process has no game port and serves /metrics, /healthz, /readyz and /dashboard there only. " +
                  $"Set {Setting} (environment variable {Variable}), e.g. http://127.0.0.1:5111.");
        }

        var ports = urls.Select(url => ManagementPortOf(url, configured!)).ToList();
        if (servesGame)
        {
            foreach (var (setting, url) in GameUrls(configuration, defaultGameUrl))
            {
                if (TryParse(url) is { } game && game.Port != 0 && ports.Contains(game.Port))
                {
                    throw new InvalidOperationException(
                        $"{Setting} = '{configured}' uses port {game.Port.ToString(CultureInfo.InvariantCulture)}, which the game listens on too ({setting} = '{url}'). " +
                        $"Management endpoints are told apart by the port a request arrives on: give {Setting} (environment variable {Variable}) a port of its own.");
                }
            }
        }
        else if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } gameUrls)
        {
            throw new InvalidOperationException(
                $"Urls = '{gameUrls}' is set, but this process has no game port: it listens only on {Setting} = '{configured}'. " +
                $"Remove Urls (environment variable Urls or ASPNETCORE_URLS) and put the address in {Setting} (environment variable {Variable}).");
        }
        return new ManagementPort(urls, ports, exclusive: !isDevelopment);
    }

    /// <summary>
    /// The addresses the game listens on, with the setting each comes from, as Kestrel picks them: its
    /// <c>Kestrel:Endpoints</c> when any is configured (they replace <c>Urls</c>), else <c>Urls</c>, else
    /// <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c> (which the ASP.NET container images set), else the process's default.
    /// </summary>
    public static IReadOnlyList<(string Setting, string Url)> GameUrls(IConfiguration configuration, string defaultUrl)
    {
        var endpoints = configuration.GetSection(KestrelEndpointsSection).GetChildren()
            .Where(endpoint => !string.IsNullOrWhiteSpace(endpoint["Url"]))
            .Select(endpoint => ($"{KestrelEndpointsSection}:{endpoint.Key}:Url", endpoint["Url"]!))
            .ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }
        if (Split(configuration[WebHostDefaults.ServerUrlsKey]) is { Count: > 0 } urls)
        {
            return [.. urls.Select(url => ("Urls", url))];
        }
        List<(string, string)> ports =
        [
            .. Split(configuration[WebHostDefaults.HttpPortsKey]).Select(port => ("HTTP_PORTS", $"http://*:{port}")),
            .. Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => ("HTTPS_PORTS", $"https://*:{port}")),
        ];
        return ports.Count > 0 ? ports : [("Urls", defaultUrl)];
    }

    private static int ManagementPortOf(string url, string configured)
    {
        var address = TryParse(url);
        if (address is null || address.IsUnixPipe || address.IsNamedPipe || address.Scheme is not ("http" or "https"))
        {
            throw Invalid(configured, $"'{url}' is not an http:// or https:// URL");
        }
        if (address.Port == 0)
        {
            throw Invalid(configured, $"'{url}' has port 0, which would pick another free port at every start, where probes and Prometheus cannot find it; give a fixed port");
        }
        if (address.PathBase.Length > 0)
        {
            throw Invalid(configured, $"'{url}' has a path; give only the scheme, host and port");
        }
        return address.Port;
    }

    private static InvalidOperationException Invalid(string configured, string problem) => new(
        $"{Setting} = '{configured}': {problem}. Set {Setting} (environment variable {Variable}) to URLs separated by ';', each with a port of its own, e.g. http://127.0.0.1:5090.");

    private static BindingAddress? TryParse(string url)
    {
        try
        {
            return BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<string> Split(string? urls) =>
        [.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

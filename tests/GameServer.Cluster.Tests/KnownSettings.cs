using GameServer.Auth;
using GameServer.Clustering;
using GameServer.Edge;
using GameServer.Grains;
using GameServer.Observability;
using Microsoft.Extensions.Configuration;

namespace GameServer.Cluster.Tests;

/// <summary>
/// The configuration the cluster hosts read, each section mapped to its real options class, so files that configure
/// the hosts (compose, appsettings.json) can be checked by binding them.
/// </summary>
internal static class KnownSettings
{
    /// <summary>Configuration sections the libraries bind, each to its options class.</summary>
    private static readonly Dictionary<string, Type> s_librarySections = new(StringComparer.Ordinal)
    {
        [GameClusterOptions.SectionName] = typeof(GameClusterOptions),
        [GameAuthOptions.SectionName] = typeof(GameAuthOptions),
        [EdgeOptions.SectionName] = typeof(EdgeOptions),
        [RoomsOptions.SectionName] = typeof(RoomsOptions),
        [ManagementOptions.SectionName] = typeof(ManagementOptions),
    };

    /// <summary>Sections the host executables bind to their own (internal) options classes: project and type.</summary>
    private static readonly Dictionary<string, (string Project, string Type)> s_hostSections = new(StringComparer.Ordinal)
    {
        ["Silo"] = ("GameServer.Silo", "GameServer.Silo.SiloHostOptions"),
        ["EdgeHost"] = ("GameServer.EdgeHost", "GameServer.EdgeHost.EdgeHostOptions"),
    };

    public static IEnumerable<string> SectionNames => s_librarySections.Keys.Concat(s_hostSections.Keys);

    /// <summary>Whether ASP.NET Core or its logging reads <paramref name="key"/> (<c>:</c>-separated).</summary>
    public static bool IsPlatformKey(string key) =>
        key is "Urls" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT"
        || key.StartsWith("Logging:LogLevel:", StringComparison.Ordinal)
        || key.StartsWith("Logging:Console:", StringComparison.Ordinal);

    /// <summary>Keys of <paramref name="configuration"/> that no host reads.</summary>
    public static IEnumerable<string> UnknownKeys(IConfiguration configuration) =>
        configuration.AsEnumerable(makePathsRelative: true)
            .Where(e => e.Value is not null)
            .Select(e => e.Key)
            .Where(key => !SectionNames.Contains(key.Split(':')[0]) && !IsPlatformKey(key));

    /// <summary>
    /// Binds every known section present in <paramref name="configuration"/> to its class, failing on a key that matches
    /// no property or a value that does not convert; returns those failures.
    /// </summary>
    public static IEnumerable<string> BindingErrors(IConfiguration configuration)
    {
        foreach (var (section, type) in s_librarySections)
        {
            var values = configuration.GetSection(section);
            if (!values.Exists())
            {
                continue;
            }
            string? error = null;
            try
            {
                values.Get(type, binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException ex)
            {
                error = $"section {section} does not bind to {type.Name}: {ex.Message}";
            }
            if (error is not null)
            {
                yield return error;
            }
        }
        foreach (var (section, (project, type)) in s_hostSections)
        {
            var values = configuration.GetSection(section);
            if (!values.Exists())
            {
                continue;
            }
            foreach (var error in HostOptionsMetadata.BindingErrors(values, HostOptionsMetadata.Properties(project, type), type))
            {
                yield return error;
            }
        }
    }
}

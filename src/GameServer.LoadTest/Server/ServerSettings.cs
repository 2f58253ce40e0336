namespace GameServer.LoadTest.Server;

/// <summary>
/// The --server-setting KEY=VALUE entries: ASP.NET Core configuration keys given to the spawned host as
/// <c>--KEY=VALUE</c>. Secrets (a key containing SigningKey or Password) go to the host through its environment and
/// are shown as <c>KEY=***</c> everywhere the tool writes them.
/// </summary>
internal static class ServerSettings
{
    public const string OptionName = "--server-setting";

    public const string RedactedValue = "***";

    private static readonly string[] s_secretKeyParts = ["SigningKey", "Password"];

    /// <summary>Keys the tool derives from its own options: the bots' tokens must match them.</summary>
    private static readonly (string Key, string Option)[] s_ownedKeys =
    [
        ("Auth:SigningKey", "--token-key"),
        ("Auth:Issuer", "--token-issuer"),
        ("Auth:Audience", "--token-audience"),
    ];

    /// <summary>Why <paramref name="setting"/> cannot be given to the host, naming the option; null when it can. Never quotes a value.</summary>
    public static string? Problem(string setting)
    {
        const string Example = "e.g. " + OptionName + " Rooms:arena:TickRateHz=30";
        var equals = setting.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return $"{OptionName} '{setting}' is not KEY=VALUE: give a configuration key of the server, '=' and its value, {Example}.";
        }
        var key = setting[..equals];
        if (key.Length == 0)
        {
            return $"{OptionName} has no key before '=': give KEY=VALUE, {Example}.";
        }
        if (key.Any(char.IsWhiteSpace))
        {
            return $"{OptionName} key '{key}' contains a space: configuration keys have none (sections are separated by ':'), {Example}.";
        }
        if (key[0] is '-' or '/')
        {
            return $"{OptionName} key '{key}' starts with '{key[0]}': give the key alone, the tool adds the '--' for the server, {Example}.";
        }
        foreach (var (owned, option) in s_ownedKeys)
        {
            if (string.Equals(key, owned, StringComparison.OrdinalIgnoreCase))
            {
                return $"{OptionName} cannot set {owned}: the bots' tokens must match it, so use {option}, which sets it on the spawned server too.";
            }
        }
        return null;
    }

    /// <summary>True for keys whose value must stay out of process lists, results and the console.</summary>
    public static bool IsSecret(string key) =>
        s_secretKeyParts.Any(part => key.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>KEY=VALUE as it may be shown: <c>KEY=***</c> for a secret key, unchanged otherwise.</summary>
    public static string Redact(string setting)
    {
        var equals = setting.IndexOf('=', StringComparison.Ordinal);
        return equals >= 0 && IsSecret(setting[..equals]) ? setting[..(equals + 1)] + RedactedValue : setting;
    }

    /// <summary>The host's command-line form of KEY=VALUE: <c>--KEY=VALUE</c>.</summary>
    public static string ToArgument(string setting) => "--" + setting;

    /// <summary>
    /// Splits the host's arguments: every <c>--KEY=VALUE</c> with a secret key becomes the environment variable KEY
    /// (':' as '__', which ASP.NET Core reads back as ':'); the rest stay arguments, in order. A later secret with the
    /// same key (in any case) replaces an earlier one, as a later argument would.
    /// </summary>
    public static (IReadOnlyList<string> Arguments, IReadOnlyList<KeyValuePair<string, string>> Environment) SplitSecrets(IEnumerable<string> arguments)
    {
        var kept = new List<string>();
        var environment = new List<KeyValuePair<string, string>>();
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (argument.StartsWith("--", StringComparison.Ordinal) && equals > 2 && IsSecret(argument[2..equals]))
            {
                var name = EnvironmentName(argument[2..equals]);
                environment.RemoveAll(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
                environment.Add(new(name, argument[(equals + 1)..]));
                continue;
            }
            kept.Add(argument);
        }
        return (kept, environment);
    }

    /// <summary>The environment variable for a configuration key: Auth:SigningKey → Auth__SigningKey.</summary>
    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}

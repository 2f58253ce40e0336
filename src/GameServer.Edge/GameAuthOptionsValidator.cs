using GameServer.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>Refuses to start without a way to check tokens, or with an unusable key, naming the setting and the fix.</summary>
internal sealed class GameAuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<GameAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, GameAuthOptions options)
    {
        var section = GameAuthOptions.SectionName;
        if (string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.Authority))
        {
            return ValidateOptionsResult.Fail(
                $"{section}:{nameof(GameAuthOptions.SigningKey)} or {section}:{nameof(GameAuthOptions.Authority)} must be set in the " +
                $"'{environment.EnvironmentName}' environment: player tokens cannot be checked otherwise " +
                $"(e.g. set {section}__{nameof(GameAuthOptions.SigningKey)} to the output of `openssl rand -base64 32`).");
        }
        if (!string.IsNullOrEmpty(options.SigningKey))
        {
            try
            {
                GameServer.Auth.GameTokenIssuer.CreateKey(options.SigningKey);
            }
            catch (FormatException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            return ValidateOptionsResult.Fail($"{section}:{nameof(GameAuthOptions.Issuer)} and {section}:{nameof(GameAuthOptions.Audience)} must not be empty.");
        }
        if (options.ClockSkewSeconds is < 0 or > 600)
        {
            return ValidateOptionsResult.Fail($"{section}:{nameof(GameAuthOptions.ClockSkewSeconds)} is {options.ClockSkewSeconds}; allowed 0-600.");
        }
        return ValidateOptionsResult.Success;
    }
}

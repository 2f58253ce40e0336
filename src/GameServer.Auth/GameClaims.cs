namespace GameServer.Auth;

/// <summary>Claim names and roles the server reads from tokens.</summary>
public static class GameClaims
{
    /// <summary>The player id used in the game: the token's subject.</summary>
    public const string PlayerId = "sub";

    /// <summary>Role claim; one claim per role.</summary>
    public const string Role = "role";

    /// <summary>Role required by the admin API; player tokens never carry it.</summary>
    public const string AdminRole = "admin";

    /// <summary>Longest player id accepted, characters.</summary>
    public const int MaxPlayerIdLength = 64;

    /// <summary>True for 1–64 characters of letters, digits, '-', '_', '.', ':' or '@'.</summary>
    public static bool IsValidPlayerId(string? playerId)
    {
        if (string.IsNullOrEmpty(playerId) || playerId.Length > MaxPlayerIdLength)
        {
            return false;
        }
        foreach (var c in playerId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@'))
            {
                return false;
            }
        }
        return true;
    }
}

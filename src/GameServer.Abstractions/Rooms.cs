using System.Security.Cryptography;

namespace GameServer.Abstractions;

/// <summary>
/// What a room is beyond its id, fixed when it opens and kept in its checkpoint: whether only its code leads there, the
/// code, and its values of the room type's declared properties (e.g. <c>mode=duel</c>).
/// </summary>
/// <param name="Private">True when matchmaking and the lobby never show the room; friends join it by <paramref name="Code"/>.</param>
/// <param name="Code">The room's code (<see cref="RoomCodes"/>), or null for a public room.</param>
/// <param name="Properties">A value for every property the room type declares.</param>
[GenerateSerializer, Immutable, Alias("gs.RoomOptions")]
public sealed record RoomOptions(bool Private, string? Code, Dictionary<string, string> Properties);

/// <summary>Why the matchmaker gave no room.</summary>
public enum TicketStatus
{
    Ok = 0,
    /// <summary>No game has the room type.</summary>
    UnknownRoomType = 1,
    /// <summary>A property is not declared by the room type, or its value is not one it allows (see <see cref="RoomTicket.Problem"/>).</summary>
    InvalidProperties = 2,
    /// <summary>No free room code could be found (practically never: the code space dwarfs the rooms).</summary>
    NoCodeAvailable = 3,
}

/// <summary>The matchmaker's answer: the room to join, and what to open it with if it is new.</summary>
/// <param name="Status">Ok, or why not.</param>
/// <param name="RoomId">The room to join; null unless <see cref="TicketStatus.Ok"/>.</param>
/// <param name="Options">The room's options, for <see cref="IRoomGrain.Open"/> when it is new.</param>
/// <param name="Problem">For <see cref="TicketStatus.InvalidProperties"/>: the message, naming the property and the allowed values.</param>
[GenerateSerializer, Immutable, Alias("gs.RoomTicket")]
public sealed record RoomTicket(TicketStatus Status, string? RoomId, RoomOptions? Options, string? Problem = null)
{
    public static RoomTicket Refused(TicketStatus status, string? problem = null) => new(status, null, null, problem);
}

/// <summary>An open public room as the lobby lists it.</summary>
/// <param name="RoomId">The room's id.</param>
/// <param name="Players">Players holding a seat.</param>
/// <param name="Capacity">The room's maximum of players.</param>
/// <param name="Properties">Its values of the type's declared properties.</param>
/// <param name="Metadata">What the game says about it (e.g. <c>phase=waiting</c>); empty when the game says nothing.</param>
[GenerateSerializer, Immutable, Alias("gs.LobbyRoom")]
public sealed record LobbyRoom(string RoomId, int Players, int Capacity, Dictionary<string, string> Properties, Dictionary<string, string> Metadata);

/// <summary>One page of the lobby: open public rooms with a free seat, oldest first, and how many match in all.</summary>
/// <param name="Rooms">The page.</param>
/// <param name="Total">How many rooms match in all.</param>
/// <param name="Problem">Why the query was refused (an unknown room type or property, a value not allowed); null otherwise.</param>
[GenerateSerializer, Immutable, Alias("gs.LobbyPage")]
public sealed record LobbyPage(LobbyRoom[] Rooms, int Total, string? Problem = null);

/// <summary>
/// Private room codes: 6 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L), so a code read aloud
/// or off a screen is typed right. 31^6 ≈ 8.9 × 10^8 codes.
/// </summary>
public static class RoomCodes
{
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public const int Length = 6;

    /// <summary>A random code, from a cryptographic source (a code is the only key to a private room).</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>
    /// The code as stored: upper case, without the spaces and dashes people type; null when it cannot be a code (wrong
    /// length or a character outside the alphabet).
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrEmpty(typed) || typed.Length > 32)
        {
            return null;
        }
        Span<char> code = stackalloc char[Length];
        var length = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (length == Length || !Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                return null;
            }
            code[length++] = upper;
        }
        return length == Length ? new string(code) : null;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using GameServer.Abstractions;
using Microsoft.AspNetCore.Http;

namespace GameServer.Edge;

/// <summary>
/// <c>GET /rooms?type=arena[&amp;mode=duel…][&amp;offset=0][&amp;limit=20]</c> with a player token: the open public rooms of a
/// type with a free seat, oldest first, with players, capacity, properties and the game's metadata. Every query
/// parameter besides <c>type</c>, <c>offset</c>, <c>limit</c> and <c>access_token</c> filters by a property. Served from
/// the matchmaker's memory, and each distinct query at most once a second per edge, so a lobby screen can poll it.
/// </summary>
internal sealed class LobbyEndpoint(IGrainFactory grains)
{
    public const string Path = "/rooms";

    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;
    private const int MaxCachedQueries = 1000;
    private static readonly TimeSpan s_cacheFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (long At, LobbyPage Page)> _cache = new(StringComparer.Ordinal);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (playerId, authFailure) = await EdgeAuthentication.AuthenticatePlayerAsync(context).ConfigureAwait(false);
        if (playerId is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.Json(new { error = authFailure }, statusCode: StatusCodes.Status401Unauthorized);
        }
        var query = context.Request.Query;
        var type = query["type"].ToString();
        if (!RoomIds.IsValidRoomType(type))
        {
            return BadRequest("type is required: a room type of 1-32 letters, digits, '-' or '_' (e.g. type=arena).");
        }
        if (!TryReadInt(query["offset"].ToString(), 0, 0, int.MaxValue, out var offset))
        {
            return BadRequest("offset must be a whole number of 0 or more.");
        }
        if (!TryReadInt(query["limit"].ToString(), DefaultLimit, 1, MaxLimit, out var limit))
        {
            return BadRequest($"limit must be a whole number from 1 to {MaxLimit}.");
        }
        Dictionary<string, string>? filter = null;
        foreach (var (name, values) in query)
        {
            if (name is "type" or "offset" or "limit" or EdgeAuthentication.AccessTokenParameter)
            {
                continue;
            }
            if (!RoomIds.IsValidRoomType(name) || values.Count != 1 || values[0] is not { Length: > 0 and <= 64 })
            {
                return BadRequest($"Filter '{name}' must be a property name (letters, digits, '-' or '_') given once with a value of 1-64 characters.");
            }
            (filter ??= new(StringComparer.Ordinal))[name] = values[0]!;
        }

        var key = $"{type}?{offset}&{limit}&{string.Join('&', (filter ?? []).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
        var now = Stopwatch.GetTimestamp();
        if (!_cache.TryGetValue(key, out var cached) || Stopwatch.GetElapsedTime(cached.At, now) > s_cacheFor)
        {
            if (_cache.Count >= MaxCachedQueries)
            {
                _cache.Clear(); // many distinct queries: start over rather than grow
            }
            cached = (now, await grains.GetGrain<IMatchmakerGrain>(type).ListRooms(filter, offset, limit).ConfigureAwait(false));
            _cache[key] = cached;
        }
        var page = cached.Page;
        if (page.Problem is not null)
        {
            return BadRequest(page.Problem);
        }
        return Results.Ok(new
        {
            type,
            total = page.Total,
            offset,
            limit,
            rooms = page.Rooms.Select(r => new { roomId = r.RoomId, players = r.Players, capacity = r.Capacity, properties = r.Properties, metadata = r.Metadata }),
        });
    }

    private static IResult BadRequest(string error) => Results.BadRequest(new { error });

    private static bool TryReadInt(string text, int fallback, int min, int max, out int value)
    {
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

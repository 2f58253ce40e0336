using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GameServer.LoadTest.Server;

namespace GameServer.LoadTest.Tokens;

/// <summary>
/// Fetches each bot's token from the server's development endpoint, <c>GET /auth/dev-token?player=ID</c>, at the same
/// host and port as the WebSocket URL (http for ws, https for wss). Only a server in the Development environment has
/// it; any other answers 404, which is a setup error naming --token-key.
/// </summary>
internal sealed class DevEndpointTokenSource : PlayerTokenSource
{
    public const string EndpointPath = "/auth/dev-token";

    /// <summary>Fetches in flight at once for <see cref="IssueAllAsync"/>.</summary>
    private const int MaxInFlight = 8;

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private long _shortestLifetimeSeconds = long.MaxValue;

    public DevEndpointTokenSource(Uri webSocketUrl, TimeSpan timeout)
    {
        Endpoint = EndpointFor(webSocketUrl);
        _timeout = timeout;
        _http = new HttpClient { Timeout = timeout };
    }

    /// <summary>The development token endpoint of the server at <paramref name="webSocketUrl"/>.</summary>
    public Uri Endpoint { get; }

    public override string Kind => TokenSourceKind.DevEndpoint;

    public override string Description => $"fetched from the server's development endpoint, {Endpoint}";

    public override string RefusalHint =>
        $"the token came from this server's own {EndpointPath}, so check the server's log (did it restart with a new key?), or pass --token-key with its Auth:SigningKey.";

    /// <summary>The shortest lifetime the server gave a token so far, or null before the first.</summary>
    public TimeSpan? ShortestLifetime
    {
        get
        {
            var seconds = Interlocked.Read(ref _shortestLifetimeSeconds);
            return seconds == long.MaxValue ? null : TimeSpan.FromSeconds(seconds);
        }
    }

    public static Uri EndpointFor(Uri webSocketUrl) => ServerHttpUrl.For(webSocketUrl, EndpointPath);

    /// <param name="lifetime">Ignored: the server decides (Auth:DevelopmentTokenLifetimeMinutes).</param>
    public override async Task<string> IssueAsync(string playerId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var url = new Uri(Endpoint, "?player=" + Uri.EscapeDataString(playerId));
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var detail = ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            throw new SetupException($"Cannot reach {Endpoint} for the bots' player tokens: {detail}. Is the server running on that address? Start it, or pass --spawn-server.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SetupException($"Cannot reach {Endpoint} for the bots' player tokens: no answer within {_timeout.TotalSeconds:0} s. Is the server running? Start it, or pass --spawn-server.", ex);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new SetupException(
                    $"{Endpoint} answered 404: the server has no development token endpoint; pass --token-key with the server's Auth:SigningKey " +
                    $"(or set {LoadTestOptions.TokenKeyVariable}). Only a server in the Development environment hands out tokens; see \"Player tokens\" in docs/load-testing.md.");
            }
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new SetupException(
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + Shorten(body) : "")}. Pass --token-key with the server's Auth:SigningKey to sign the tokens locally instead.");
            }
            DevToken? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<DevToken>(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                throw new SetupException($"{url} did not answer with a token ({ex.Message}). Is {Endpoint.GetLeftPart(UriPartial.Authority)} a GameServer?", ex);
            }
            if (answer is not { Token.Length: > 0 })
            {
                throw new SetupException($"{url} answered without a token. Is {Endpoint.GetLeftPart(UriPartial.Authority)} a GameServer?");
            }
            if (answer.ExpiresInSeconds > 0)
            {
                long current;
                while ((current = Interlocked.Read(ref _shortestLifetimeSeconds)) > answer.ExpiresInSeconds
                    && Interlocked.CompareExchange(ref _shortestLifetimeSeconds, answer.ExpiresInSeconds, current) != current)
                {
                }
            }
            return answer.Token;
        }
    }

    /// <summary>Up to <see cref="MaxInFlight"/> fetches at once; the first failure stops the rest.</summary>
    public override async Task<string[]> IssueAllAsync(IReadOnlyList<string> playerIds, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var tokens = new string[playerIds.Count];
        await Parallel.ForAsync(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight, CancellationToken = cancellationToken },
            async (i, token) => tokens[i] = await IssueAsync(playerIds[i], lifetime, token).ConfigureAwait(false)).ConfigureAwait(false);
        return tokens;
    }

    public override void Dispose() => _http.Dispose();

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }

    /// <summary>The endpoint's answer: <c>{ "token": "...", "playerId": "...", "expiresInSeconds": 3600 }</c>.</summary>
    private sealed record DevToken(string? Token, string? PlayerId, long ExpiresInSeconds);
}

namespace GameServer.LoadTest.Server;

/// <summary>
/// The server's plain HTTP endpoints on the same host and port as its WebSocket: dev tokens, and in Development also
/// /metrics (outside Development it answers only on the management port, Management:Urls).
/// </summary>
internal static class ServerHttpUrl
{
    /// <summary><paramref name="path"/> on the server behind <paramref name="webSocketUrl"/>: http for ws, https for wss.</summary>
    public static Uri For(Uri webSocketUrl, string path) => new UriBuilder(webSocketUrl)
    {
        Scheme = webSocketUrl.Scheme == "wss" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp,
        Port = webSocketUrl.Port,
        Path = path,
        Query = "",
        Fragment = "",
    }.Uri;
}

using GameServer.Protocol;

namespace GameServer.EndToEnd.Tests;

/// <summary>A WebSocket upgrade request sent with HttpClient, to read the HTTP status, body and headers of a refusal.</summary>
internal static class RawHandshake
{
    public static async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(
        Uri httpUri, string? token = null, string? origin = null, string? subProtocol = ProtocolVersion.SubProtocol, string? queryToken = null)
    {
        using var http = new HttpClient();
        var path = ProtocolVersion.Path + (queryToken is null ? "" : "?access_token=" + Uri.EscapeDataString(queryToken));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(httpUri, path));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        if (subProtocol is not null)
        {
            request.Headers.Add("Sec-WebSocket-Protocol", subProtocol);
        }
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // A 101 leaves the stream open as the WebSocket; only refusals have a body to read.
        var body = (int)response.StatusCode == 101 ? "" : await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>
    /// The fallback hub's negotiate request (the first request of every SignalR connection), to read the status, body
    /// and headers of a refusal; <paramref name="subProtocols"/> goes in the hub's version parameter.
    /// </summary>
    public static async Task<(int Status, string Body, HttpResponseMessage Response)> NegotiateAsync(
        Uri httpUri, string? token = null, string? origin = null, string? subProtocols = null, string? queryToken = null)
    {
        using var http = new HttpClient();
        var query = "negotiateVersion=1"
            + (subProtocols is null ? "" : $"&{HubTransport.SubProtocolParameter}={Uri.EscapeDataString(subProtocols)}")
            + (queryToken is null ? "" : "&access_token=" + Uri.EscapeDataString(queryToken));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(httpUri, $"{HubTransport.Path}/negotiate?{query}"));
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }
}

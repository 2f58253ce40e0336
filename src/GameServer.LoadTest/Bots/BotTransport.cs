using GameServer.Client;
using GameServer.Client.SignalR;

namespace GameServer.LoadTest.Bots;

/// <summary>--transport: how the bots reach the server, the SDK's WebSocket or its SignalR fallback.</summary>
internal static class BotTransport
{
    public const string WebSocket = "websocket";
    public const string ServerSentEvents = "sse";
    public const string LongPolling = "longpolling";

    public static readonly string[] Names = [WebSocket, ServerSentEvents, LongPolling];

    /// <summary>The SDK transport for a --transport name (validated before).</summary>
    public static ClientTransport For(string name) => name switch
    {
        ServerSentEvents => SignalRTransport.ServerSentEvents,
        LongPolling => SignalRTransport.LongPolling,
        _ => ClientTransport.WebSocket,
    };
}

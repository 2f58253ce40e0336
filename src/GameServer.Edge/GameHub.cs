using Microsoft.AspNetCore.SignalR;

namespace GameServer.Edge;

/// <summary>
/// The fallback transport's SignalR hub (<see cref="GameServer.Protocol.HubTransport"/>): a pipe for game frames, nothing
/// more. Each connection is a <see cref="HubPlayerConnection"/> under a <see cref="PlayerSession"/>, run by
/// <see cref="HubSessions"/>; the checks happened before the connection existed (<see cref="HubSessions.GateAsync"/>).
/// </summary>
internal sealed class GameHub(HubSessions sessions) : Hub
{
    public override Task OnConnectedAsync() => sessions.OpenAsync(Context);

    public override Task OnDisconnectedAsync(Exception? exception) => sessions.EndAsync(Context);

    /// <summary>One client frame (<see cref="GameServer.Protocol.HubTransport.SendMethod"/>).</summary>
    public ValueTask Send(byte[] frame) => HubSessions.ConnectionOf(Context)?.DeliverAsync(frame) ?? default;

    /// <summary>The client's close (<see cref="GameServer.Protocol.HubTransport.CloseMethod"/>); the reason is not used.</summary>
    public void Close(int code, string? reason) => HubSessions.ConnectionOf(Context)?.ClientClosed(code);
}

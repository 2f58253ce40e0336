using System.Net.WebSockets;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// A bare protocol connection for tests of the room messages the client library may not speak (Create, JoinByCode,
/// Join with criteria): sends any <see cref="ClientMessage"/> and reads answers, noting the entities of the latest
/// snapshot on the way.
/// </summary>
internal sealed class RoomSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RoomSocket()
    {
    }

    /// <summary>Entity ids in the latest snapshot read.</summary>
    public IReadOnlyList<int> SeenEntities { get; private set; } = [];

    /// <summary>How a snapshot's game state lists its entity ids: arena's layout unless a test of another game says otherwise.</summary>
    public Func<ReadOnlyMemory<byte>, IReadOnlyList<int>> EntitiesOf { get; set; } = state => ArenaState.Read(state).Select(e => e.EntityId).ToArray();

    /// <summary>The bytes of the latest frame read, exactly as they arrived.</summary>
    public byte[] LastFrame { get; private set; } = [];

    public static async Task<RoomSocket> ConnectAsync(TestHost host, string playerId) => await ConnectAsync(host.WebSocketUri, host.NewToken(playerId));

    public static async Task<RoomSocket> ConnectAsync(Uri uri, string token, params string[] subProtocols)
    {
        var connection = new RoomSocket();
        foreach (var subProtocol in subProtocols.Length == 0 ? [ProtocolVersion.SubProtocol] : subProtocols)
        {
            connection._socket.Options.AddSubProtocol(subProtocol);
        }
        connection._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await connection._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Wait.Timeout);
        return connection;
    }

    public Task SendAsync(ClientMessage message) =>
        _socket.SendAsync(MessageCodec.Encode(message), WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(Wait.Timeout);

    /// <summary>Sends <paramref name="message"/> and returns the first answer that is not a snapshot (a Welcome or an Error).</summary>
    public async Task<ServerMessage> AskAsync(ClientMessage message)
    {
        await SendAsync(message);
        while (true)
        {
            var answer = await ReceiveAsync();
            if (answer is not Snapshot)
            {
                return answer;
            }
        }
    }

    /// <summary>Reads snapshots until one shows <paramref name="count"/> entities (bounded by <see cref="Wait.Timeout"/>).</summary>
    public async Task WaitForEntitiesAsync(int count)
    {
        using var bound = new CancellationTokenSource(Wait.Timeout);
        while (SeenEntities.Count != count)
        {
            await ReceiveAsync().WaitAsync(bound.Token);
        }
    }

    /// <summary>The sub-protocol the server agreed to.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>How the server closed the connection, once it has.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The reason the server gave with its close, once it has closed.</summary>
    public string? CloseReason => _socket.CloseStatusDescription;

    public async Task<ServerMessage> ReceiveAsync()
    {
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(new ArraySegment<byte>(_buffer, length, _buffer.Length - length), CancellationToken.None).WaitAsync(Wait.Timeout);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            throw new InvalidOperationException($"The server closed the connection: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}");
        }
        LastFrame = _buffer.AsMemory(0, length).ToArray();
        var message = MessageCodec.DecodeServer(LastFrame);
        if (message is Snapshot snapshot)
        {
            SeenEntities = EntitiesOf(snapshot.GameState);
        }
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException)
            {
                // The test is over; the server sees a lost connection instead.
            }
        }
        _socket.Dispose();
    }
}

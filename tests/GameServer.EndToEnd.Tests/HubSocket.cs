using System.Threading.Channels;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// A bare client of the fallback hub (<see cref="HubTransport"/>) on one of SignalR's transports, speaking the raw
/// frames: sends any frame bytes, reads server frames and the server's close. The hub counterpart of <see cref="RoomSocket"/>.
/// </summary>
internal sealed class HubSocket : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Channel<object> _inbound = Channel.CreateUnbounded<object>();
    private readonly TaskCompletionSource<string> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(int Code, string Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubSocket(HubConnection connection)
    {
        _connection = connection;
        connection.On<string>(HubTransport.OpenMethod, subProtocol => _open.TrySetResult(subProtocol));
        connection.On<byte[]>(HubTransport.FrameMethod, frame => _inbound.Writer.TryWrite(frame));
        connection.On<int, string>(HubTransport.CloseMethod, (code, reason) =>
        {
            _closed.TrySetResult((code, reason));
            _inbound.Writer.TryWrite((code, reason));
        });
        connection.Closed += error =>
        {
            _ended.TrySetResult(error);
            _inbound.Writer.TryComplete();
            return Task.CompletedTask;
        };
    }

    /// <summary>The SignalR transports a hub test runs on, by name: sse (JSON hub protocol), longpolling and websockets (MessagePack).</summary>
    public static HttpTransportType TransportNamed(string name) => name switch
    {
        "sse" => HttpTransportType.ServerSentEvents,
        "longpolling" => HttpTransportType.LongPolling,
        "websockets" => HttpTransportType.WebSockets,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "sse, longpolling or websockets"),
    };

    /// <summary>The version the server chose (its <c>Open</c>).</summary>
    public string? SubProtocol => _open.Task.IsCompletedSuccessfully ? _open.Task.Result : null;

    /// <summary>The server's close, once it came.</summary>
    public Task<(int Code, string Reason)> Closed => _closed.Task;

    /// <summary>Completes when the hub connection has ended, with SignalR's error if it ended with one.</summary>
    public Task<Exception?> Ended => _ended.Task;

    public static Task<HubSocket> ConnectAsync(TestHost host, string transport, string? playerId = null, string? subProtocols = null) =>
        ConnectAsync(host.HttpUri, transport, host.NewToken(playerId), subProtocols);

    public static async Task<HubSocket> ConnectAsync(Uri httpUri, string transport, string token, string? subProtocols = null, string? origin = null)
    {
        var type = TransportNamed(transport);
        var path = HubTransport.Path + (subProtocols is null ? "" : $"?{HubTransport.SubProtocolParameter}={Uri.EscapeDataString(subProtocols)}");
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(httpUri, path), type, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (origin is not null)
                {
                    options.Headers["Origin"] = origin;
                }
            });
        if (type != HttpTransportType.ServerSentEvents)
        {
            // Server-Sent Events carry text only: JSON (frames as base64); the others binary MessagePack.
            builder.AddMessagePackProtocol();
        }
        var socket = new HubSocket(builder.Build());
        await socket._connection.StartAsync().WaitAsync(Wait.Timeout);
        await socket._open.Task.WaitAsync(Wait.Timeout);
        return socket;
    }

    public Task SendFrameAsync(byte[] frame) => _connection.SendAsync(HubTransport.SendMethod, frame).WaitAsync(Wait.Timeout);

    public Task SendAsync(ClientMessage message) => SendFrameAsync(MessageCodec.Encode(message));

    /// <summary>The client's close (1000 = the player quits).</summary>
    public Task CloseAsync(int code, string reason) => _connection.SendAsync(HubTransport.CloseMethod, code, reason).WaitAsync(Wait.Timeout);

    /// <summary>The next server message; throws when the server closed instead.</summary>
    public async Task<ServerMessage> ReceiveAsync()
    {
        var next = await _inbound.Reader.ReadAsync().AsTask().WaitAsync(Wait.Timeout);
        return next is byte[] frame
            ? MessageCodec.DecodeServer(frame)
            : throw new InvalidOperationException($"The server closed the hub connection: {next}");
    }

    /// <summary>Sends <paramref name="message"/> and returns the first answer that is not a snapshot or delta.</summary>
    public async Task<ServerMessage> AskAsync(ClientMessage message)
    {
        await SendAsync(message);
        while (true)
        {
            var answer = await ReceiveAsync();
            if (answer is not (Snapshot or Delta))
            {
                return answer;
            }
        }
    }

    /// <summary>Drops the connection without a close, as a network failure would.</summary>
    public Task DropAsync() => _connection.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
    }
}

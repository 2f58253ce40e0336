using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace GameServer.Client;

/// <summary>The WebSocket transport's connection: a <see cref="ClientWebSocket"/>, each message one frame.</summary>
internal sealed class WebSocketConnection : ClientConnection
{
    private static readonly Regex s_statusInMessage = new("'([1-5][0-9][0-9])'", RegexOptions.CultureInvariant);

    private readonly ClientWebSocket _socket = new();
    private byte[] _buffer = Array.Empty<byte>();
    private int? _refusalStatus;
    private TimeSpan? _retryAfter;

    public override string? SubProtocol => _socket.SubProtocol;

    public override int? RefusalStatus => _refusalStatus;

    public override TimeSpan? RetryAfter => _retryAfter;

    public override int? CloseStatus => (int?)_socket.CloseStatus;

    public override string? CloseStatusDescription => _socket.CloseStatusDescription;

    public override async Task ConnectAsync(
        Uri endpoint, IReadOnlyList<string> subProtocols, string? accessToken, GameClientOptions options, CancellationToken cancellationToken)
    {
        _buffer = new byte[Math.Max(16, options.ReceiveBufferBytes)];
        try
        {
            foreach (var subProtocol in subProtocols)
            {
                _socket.Options.AddSubProtocol(subProtocol);
            }
            // Keep-alive is the protocol's own (DeadPeerWatchdog), the same on every platform; none at the WebSocket layer.
            _socket.Options.KeepAliveInterval = TimeSpan.Zero;
            foreach (var header in options.Headers)
            {
                _socket.Options.SetRequestHeader(header.Key, header.Value);
            }
            var connectTo = endpoint;
            if (accessToken is not null && options.SendTokenInQuery)
            {
                connectTo = WithAccessToken(endpoint, accessToken);
            }
            else if (accessToken is not null)
            {
                _socket.Options.SetRequestHeader("Authorization", "Bearer " + accessToken);
            }
            if (options.RemoteCertificateValidationCallback is not null)
            {
                _socket.Options.RemoteCertificateValidationCallback = options.RemoteCertificateValidationCallback;
            }
#if NET
            _socket.Options.CollectHttpResponseDetails = true;
#endif
            await _socket.ConnectAsync(connectTo, cancellationToken).ConfigureAwait(false);
#if NET
            _socket.HttpResponseHeaders = null; // only wanted from refusals; don't keep them for the connection's life
#endif
        }
        catch (Exception ex)
        {
            _refusalStatus = ReadRefusalStatus(ex);
            _retryAfter = ReadRetryAfter();
            throw;
        }
    }

    public override async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        if (result.MessageType != WebSocketMessageType.Close)
        {
            return new ReadOnlyMemory<byte>(_buffer, 0, length);
        }
        if (_socket.State == WebSocketState.CloseReceived)
        {
            // Complete the close handshake; the server's status and reason stay readable.
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
            {
            }
        }
        return null;
    }

    public override Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        SendAsync(frame, WebSocketMessageType.Binary, cancellationToken);

    /// <summary>A frame of either message type (text only for tests of the server's validation).</summary>
    public Task SendAsync(ReadOnlyMemory<byte> frame, WebSocketMessageType type, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, type, endOfMessage: true, cancellationToken).AsTask();

    public override async Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Abort() => _socket.Abort();

    /// <summary>Server frames are unmasked: a 2–10 byte header.</summary>
    public override int WireBytes(int frameLength) => frameLength + (frameLength < 126 ? 2 : frameLength <= ushort.MaxValue ? 4 : 10);

    protected override void Dispose(bool disposing) => _socket.Dispose();

    private static Uri WithAccessToken(Uri endpoint, string token)
    {
        var builder = new UriBuilder(endpoint);
        var pair = "access_token=" + Uri.EscapeDataString(token);
        var query = builder.Query.TrimStart('?');
        builder.Query = query.Length == 0 ? pair : query + "&" + pair;
        return builder.Uri;
    }

    /// <summary>A refusal's <c>Retry-After</c> in seconds (the edge sends it with 503 and 429), where the platform exposes it.</summary>
    private TimeSpan? ReadRetryAfter()
    {
#if NET
        try
        {
            if (_socket.HttpResponseHeaders is { } headers && headers.TryGetValue("Retry-After", out var values)
                && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }
        catch (ObjectDisposedException)
        {
        }
#endif
        return null;
    }

    /// <summary>The HTTP status of a refused handshake, if it can be told.</summary>
    private int? ReadRefusalStatus(Exception error)
    {
#if NET
        try
        {
            if (_socket.HttpStatusCode != 0)
            {
                return (int)_socket.HttpStatusCode;
            }
        }
        catch (ObjectDisposedException)
        {
        }
#endif
        // netstandard2.1 has no HttpStatusCode; .NET words it "The server returned status code '401' when status code
        // '101' was expected." Runtimes that word it otherwise count as transient, which only costs retries.
        if (error is WebSocketException && s_statusInMessage.Match(error.Message) is { Success: true } match)
        {
            return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }
}

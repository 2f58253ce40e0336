using System.Threading.Channels;
using GameServer.Protocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GameServer.Client.SignalR;

/// <summary>
/// One connection to the hub: the server's <c>Open</c>, <c>Frame</c> and <c>Close</c> messages become the SDK's
/// sub-protocol, frames and close; the client's frames and close go out as <c>Send</c> and <c>Close</c>.
/// </summary>
internal sealed class HubClientConnection : ClientConnection
{
    private readonly SignalRTransport _transport;
    // Frames wait here for the client's receive loop; when it is full the hub's handler waits, so the hub connection
    // stops reading rather than buffering without bound.
    private readonly Channel<byte[]> _inbound;
    private readonly TaskCompletionSource<string> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _closeLock = new();
    private HubConnection? _hub;
    private volatile string? _subProtocol;
    private int? _closeStatus;
    private string? _closeReason;
    private int? _refusalStatus;
    private TimeSpan? _retryAfter;
    private int _stopping;

    public HubClientConnection(SignalRTransport transport)
    {
        _transport = transport;
        _inbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Math.Max(1, transport.InboundFrameCapacity))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Failed without anyone waiting (an abort after the open): observed here, so it is not reported as unobserved.
        _opened.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override string? SubProtocol => _subProtocol;

    public override int? RefusalStatus => _refusalStatus;

    public override TimeSpan? RetryAfter => _retryAfter;

    public override int? CloseStatus
    {
        get
        {
            lock (_closeLock)
            {
                return _closeStatus;
            }
        }
    }

    public override string? CloseStatusDescription
    {
        get
        {
            lock (_closeLock)
            {
                return _closeReason;
            }
        }
    }

    private bool IsText => _transport.TransportType == HttpTransportType.ServerSentEvents;

    public override async Task ConnectAsync(
        Uri endpoint, IReadOnlyList<string> subProtocols, string? accessToken, GameClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        var url = WithQuery(SignalRTransport.HubUrl(endpoint), HubTransport.SubProtocolParameter, string.Join(",", subProtocols));
        if (accessToken is not null && options.SendTokenInQuery)
        {
            url = WithQuery(url, "access_token", accessToken);
        }
        var certificateCheck = options.RemoteCertificateValidationCallback;
        var builder = new HubConnectionBuilder().WithUrl(url, _transport.TransportType, o =>
        {
            if (accessToken is not null && !options.SendTokenInQuery)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            }
            foreach (var header in options.Headers)
            {
                o.Headers[header.Key] = header.Value;
            }
            o.HttpMessageHandlerFactory = inner =>
            {
                if (certificateCheck is not null && inner is HttpClientHandler handler)
                {
                    handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) => certificateCheck(message, certificate, chain, errors);
                }
                return new RefusalRecorder(this) { InnerHandler = inner };
            };
            if (certificateCheck is not null)
            {
                o.WebSocketConfiguration = socket => socket.RemoteCertificateValidationCallback = certificateCheck;
            }
        });
        if (!IsText)
        {
            builder.AddMessagePackProtocol(); // replaces the default json: binary frames travel as MessagePack bin
        }
        var hub = builder.Build();
        _hub = hub;
        hub.On<string>(HubTransport.OpenMethod, subProtocol =>
        {
            _subProtocol = subProtocol;
            _opened.TrySetResult(subProtocol);
        });
        hub.On<byte[]>(HubTransport.FrameMethod, OnFrameAsync);
        hub.On<int, string>(HubTransport.CloseMethod, OnClose);
        hub.Closed += OnHubClosed;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout); // a server that never says Open must not hang the first connect
        try
        {
            await hub.StartAsync(timeout.Token).ConfigureAwait(false);
            using (timeout.Token.Register(() => _opened.TrySetCanceled(timeout.Token)))
            {
                await _opened.Task.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            if (ex is HttpRequestException { StatusCode: { } status })
            {
                _refusalStatus = (int)status;
            }
            Abort();
            throw;
        }
    }

    public override async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        // WaitToReadAsync throws the error the channel was completed with (a lost connection) and is false after a close.
        while (await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_inbound.Reader.TryRead(out var frame))
            {
                return frame;
            }
        }
        return null;
    }

    public override async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var hub = _hub ?? throw new InvalidOperationException("Connect first.");
        if (_inbound.Reader.Completion.IsCompleted)
        {
            throw new IOException("The hub connection has ended.");
        }
        try
        {
            await hub.SendAsync(HubTransport.SendMethod, frame.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException("The hub connection is not active: " + ex.Message, ex);
        }
    }

    public override async Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        if (_hub is not { State: HubConnectionState.Connected } hub || !SetClose(code, reason))
        {
            return;
        }
        try
        {
            await hub.SendAsync(HubTransport.CloseMethod, code, reason, cancellationToken).ConfigureAwait(false);
            // As a WebSocket close handshake: give the server a moment to end its side, so it has the close before the stop.
            await Task.WhenAny(_ended.Task, Task.Delay(_transport.CloseWait, cancellationToken)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Dropped under the close: ended either way.
        }
        finally
        {
            _inbound.Writer.TryComplete();
            await StopAsync().ConfigureAwait(false);
        }
    }

    public override void Abort()
    {
        _inbound.Writer.TryComplete(new IOException("The connection was aborted."));
        _opened.TrySetException(new IOException("The connection was aborted."));
        _ = StopAsync();
    }

    /// <summary>
    /// An estimate: under json, a frame is base64 text in <c>{"type":1,"target":"Frame","arguments":["…"]}</c> plus
    /// the record separator and Server-Sent Events' <c>data: </c> line; under messagepack, the bin value in a small
    /// array with a length prefix. Long polling's HTTP responses are not counted.
    /// </summary>
    public override int WireBytes(int frameLength) =>
        IsText ? (frameLength + 2) / 3 * 4 + 56 : frameLength + 24;

    protected override void Dispose(bool disposing) => Abort();

    private async Task OnFrameAsync(byte[] frame)
    {
        try
        {
            await _inbound.Writer.WriteAsync(frame).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Closed or aborted: frames after the end are dropped, as a closed WebSocket drops them.
        }
        catch (IOException)
        {
        }
    }

    private void OnClose(int code, string reason)
    {
        // The server's close, or its answer to the client's (then the client's code stays the one reported).
        SetClose(code, reason);
        _opened.TrySetException(new IOException($"The server closed the connection before opening it ({code} {reason})."));
        _inbound.Writer.TryComplete();
        // The server sends nothing more; stop from outside this handler (stopping waits for the handlers to finish).
        _ = Task.Run(StopAsync);
    }

    private Task OnHubClosed(Exception? error)
    {
        // No close from either side first: the connection was lost, and the client reconnects and resumes.
        var lost = new IOException("The hub connection was lost" + (error is null ? "." : ": " + error.Message), error);
        _inbound.Writer.TryComplete(lost);
        _opened.TrySetException(lost);
        _ended.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Records the first close, the server's or the client's; false when there already was one.</summary>
    private bool SetClose(int code, string? reason)
    {
        lock (_closeLock)
        {
            if (_closeStatus is not null)
            {
                return false;
            }
            _closeStatus = code;
            _closeReason = reason;
            return true;
        }
    }

    private async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0 || _hub is not { } hub)
        {
            return;
        }
        try
        {
            await hub.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // Stopping a connection that is already gone.
        }
    }

    private void RecordRefusal(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode || _opened.Task.IsCompleted)
        {
            return;
        }
        _refusalStatus = (int)response.StatusCode;
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            _retryAfter = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        }
    }

    private static Uri WithQuery(Uri url, string name, string value)
    {
        var builder = new UriBuilder(url);
        var pair = name + "=" + Uri.EscapeDataString(value);
        var query = builder.Query.TrimStart('?');
        builder.Query = query.Length == 0 ? pair : query + "&" + pair;
        return builder.Uri;
    }

    /// <summary>Sees the negotiate answer, so a refusal's status and <c>Retry-After</c> reach the client's backoff as over a WebSocket.</summary>
    private sealed class RefusalRecorder(HubClientConnection connection) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            connection.RecordRefusal(response);
            return response;
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace GameServer.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 (port 0) in front of a host, for cutting live connections the way a network failure
/// does: <see cref="DropAll"/> resets both sides of every open connection (RST, no WebSocket close frame), and
/// <see cref="RefuseNew"/> resets new connections as soon as they arrive, like an edge that is down, and
/// <see cref="FreezeAll"/> leaves connections open but silently swallows their bytes, like a frozen peer or a network
/// path that died without a reset (a half-open connection).
/// </summary>
public sealed class TcpDropProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly HashSet<Pair> _open = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private long _accepted;
    private long _refused;
    private volatile bool _refuseNew;

    private TcpDropProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port the proxy listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>: the host's pages through the proxy.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{Port}");

    /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>: the host's game socket through the proxy.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>Connections accepted and forwarded so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections reset on arrival because <see cref="RefuseNew"/> was on.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_open)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>While true, each new connection is reset as soon as it is accepted (the client sees a failed handshake).</summary>
    public bool RefuseNew
    {
        get => _refuseNew;
        set => _refuseNew = value;
    }

    /// <summary>Starts a proxy to <paramref name="target"/> (an <c>http://</c> or <c>ws://</c> URI of the host).</summary>
    public static TcpDropProxy Start(Uri target) =>
        new(new IPEndPoint(IPAddress.Parse(target.Host), target.Port));

    /// <summary>Resets every open connection, both towards the client and towards the host. Returns how many.</summary>
    public int DropAll()
    {
        Pair[] pairs;
        lock (_open)
        {
            pairs = [.. _open];
            _open.Clear();
        }
        foreach (var pair in pairs)
        {
            pair.Reset();
        }
        return pairs.Length;
    }

    /// <summary>
    /// From now on, every open connection's bytes are read and thrown away in both directions: nothing is closed or reset,
    /// nothing arrives. New connections are forwarded as usual. Returns how many were frozen.
    /// </summary>
    public int FreezeAll()
    {
        lock (_open)
        {
            foreach (var pair in _open)
            {
                pair.Frozen = true;
            }
            return _open.Count;
        }
    }

    /// <summary>Stops listening (new connections are refused by the OS) and resets every open connection.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        _listener.Stop();
        DropAll();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }
            if (_refuseNew)
            {
                Interlocked.Increment(ref _refused);
                Reset(client);
                continue;
            }
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stopping.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Reset(client);
            upstream.Dispose();
            return;
        }
        var pair = new Pair(client, upstream);
        lock (_open)
        {
            if (_stopping.IsCancellationRequested)
            {
                pair.Reset();
                return;
            }
            _open.Add(pair);
        }
        Interlocked.Increment(ref _accepted);
        var up = PumpAsync(client, upstream, pair);
        var down = PumpAsync(upstream, client, pair);
        await Task.WhenAny(up, down);
        if (pair.Frozen)
        {
            // A dead path tells neither side that the other left: wait until both have given up by themselves.
            await Task.WhenAll(up, down);
        }
        // One direction ended (a close or a reset): end the other the same way a real connection would, with a FIN.
        lock (_open)
        {
            _open.Remove(pair);
        }
        pair.Close();
    }

    private static async Task PumpAsync(Socket from, Socket to, Pair pair)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    if (!pair.Frozen)
                    {
                        to.Shutdown(SocketShutdown.Send);
                    }
                    return;
                }
                if (!pair.Frozen)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes with SO_LINGER 0, which sends an RST instead of a FIN: the peer sees "connection reset".</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private sealed class Pair(Socket client, Socket upstream)
    {
        private int _done;
        private volatile bool _frozen;

        public bool Frozen
        {
            get => _frozen;
            set => _frozen = value;
        }

        public void Reset()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                TcpDropProxy.Reset(client);
                TcpDropProxy.Reset(upstream);
            }
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                client.Dispose();
                upstream.Dispose();
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// A TCP proxy on 127.0.0.1 (port 0) in front of a server, to cut live connections the way a network failure does:
    /// <see cref="DropAll"/> resets both sides of every open connection (RST, no WebSocket close frame), and while
    /// <see cref="RefuseNew"/> is on, new connections are reset as they arrive, like a server that is unreachable.
    /// </summary>
    public sealed class TcpDropProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly IPEndPoint _target;
        private readonly HashSet<Pair> _open = new HashSet<Pair>();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly Task _acceptLoop;
        private long _accepted;
        private volatile bool _refuseNew;

        private TcpDropProxy(IPEndPoint target)
        {
            _target = target;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _acceptLoop = Task.Run(() => AcceptLoopAsync());
        }

        public int Port { get; }

        /// <summary>The server's game socket through the proxy, e.g. <c>ws://127.0.0.1:41234/ws</c>.</summary>
        public Uri WebSocketUri => new Uri("ws://127.0.0.1:" + Port + "/ws");

        /// <summary>Connections accepted and forwarded so far.</summary>
        public long Accepted => Interlocked.Read(ref _accepted);

        /// <summary>While true, each new connection is reset as soon as it is accepted.</summary>
        public bool RefuseNew
        {
            get => _refuseNew;
            set => _refuseNew = value;
        }

        /// <summary>Starts a proxy to <paramref name="target"/>'s host and port (e.g. the server's <c>ws://</c> URI).</summary>
        public static TcpDropProxy Start(Uri target) => new TcpDropProxy(new IPEndPoint(IPAddress.Parse(target.Host), target.Port));

        /// <summary>Resets every open connection, towards the client and towards the server. Returns how many.</summary>
        public int DropAll()
        {
            Pair[] pairs;
            lock (_open)
            {
                pairs = new Pair[_open.Count];
                _open.CopyTo(pairs);
                _open.Clear();
            }
            foreach (var pair in pairs)
            {
                pair.Reset();
            }
            return pairs.Length;
        }

        public async ValueTask DisposeAsync()
        {
            _stopping.Cancel();
            _listener.Stop();
            DropAll();
            try
            {
                await _acceptLoop;
            }
            catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException)
            {
            }
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
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is OperationCanceledException)
                {
                    return;
                }
                if (_refuseNew)
                {
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
            catch (Exception ex) when (ex is SocketException || ex is OperationCanceledException || ex is ObjectDisposedException)
            {
                Reset(client);
                upstream.Dispose();
                return;
            }
            var pair = new Pair(client, upstream);
            lock (_open)
            {
                _open.Add(pair);
            }
            Interlocked.Increment(ref _accepted);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
            // One direction ended (a close or a reset): end the other with a FIN, as a real connection would.
            lock (_open)
            {
                _open.Remove(pair);
            }
            pair.Close();
        }

        private static async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
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
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
            {
            }
        }

        private sealed class Pair
        {
            private readonly Socket _client;
            private readonly Socket _upstream;
            private int _done;

            public Pair(Socket client, Socket upstream)
            {
                _client = client;
                _upstream = upstream;
            }

            public void Reset()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0)
                {
                    TcpDropProxy.Reset(_client);
                    TcpDropProxy.Reset(_upstream);
                }
            }

            public void Close()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0)
                {
                    _client.Dispose();
                    _upstream.Dispose();
                }
            }
        }
    }
}

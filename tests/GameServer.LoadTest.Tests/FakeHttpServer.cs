using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace GameServer.LoadTest.Tests;

/// <summary>A tiny HTTP server on 127.0.0.1 (HttpListener) answering every request with a handler; records the paths asked for.</summary>
internal sealed class FakeHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _loop;

    public FakeHttpServer(Func<HttpListenerContext, Task> handler)
    {
        _handler = handler;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>Path and query of every request, in arrival order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public Uri WebSocketUrl(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                Paths.Enqueue(context.Request.Url!.PathAndQuery);
                try
                {
                    await _handler(context);
                }
                finally
                {
                    context.Response.Close();
                }
            });
        }
    }
}

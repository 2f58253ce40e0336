using System.Net;
using System.Net.Sockets;

namespace GameServer.Cluster.Tests;

/// <summary>
/// Ports for processes that must be told theirs (silo, gateway, redis-server). Each is bound once and released, so a
/// later test may get it again; two calls in a row never return the same port as the OS hands them out in sequence.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace GameServer.EndToEnd.Tests;

/// <summary>Ports for the silo, which cannot bind port 0 and report back like Kestrel can.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

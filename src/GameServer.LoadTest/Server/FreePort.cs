using System.Net;
using System.Net.Sockets;

namespace GameServer.LoadTest.Server;

/// <summary>Free loopback TCP ports, found by binding port 0 (the silo cannot bind 0 and report back like Kestrel).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static int[] Distinct(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(Next());
        }
        return [.. ports];
    }
}

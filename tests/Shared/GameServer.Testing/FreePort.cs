using System.Net;
using System.Net.Sockets;

namespace GameServer.Testing;

/// <summary>
/// Ports for processes that must be told theirs (silo, gateway, redis-server), found by binding port 0. The OS can
/// hand the same port out twice in a row once it is released (seen: a silo given one port for both its silo and
/// gateway endpoints), so a port is never returned twice in this test run.
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> s_given = [];

    public static int Next()
    {
        lock (s_given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (s_given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}

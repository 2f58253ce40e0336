using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Ports for the silo, which cannot bind port 0 and report back like Kestrel can. The OS can hand the same port out
    /// twice in a row once it is released, so a port is never returned twice in this test run.
    /// </summary>
    internal static class FreePort
    {
        private static readonly HashSet<int> s_given = new HashSet<int>();

        public static int Next()
        {
            lock (s_given)
            {
                while (true)
                {
                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start();
                    int port;
                    try
                    {
                        port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    }
                    finally
                    {
                        listener.Stop();
                    }
                    if (s_given.Add(port))
                    {
                        return port;
                    }
                }
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Ports for the silo, which cannot bind port 0 and report back like Kestrel can.</summary>
    internal static class FreePort
    {
        public static int Next()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}

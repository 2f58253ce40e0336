using System.Net;
using System.Net.Sockets;

namespace GameServer.Host;

/// <summary>
/// The embedded silo's loopback ports. 0 (the default) picks a free port at start-up, so two embedded servers on one
/// machine never share Orleans ports; a fixed port that is taken fails start-up naming the setting, instead of a
/// second silo quietly listening beside the first.
/// </summary>
internal static class LoopbackPorts
{
    /// <param name="setting">The configuration key, e.g. <c>Silo:SiloPort</c>, for the message.</param>
    public static int Resolve(int configured, string setting)
    {
        if (configured is < 0 or > IPEndPoint.MaxPort)
        {
            throw new InvalidOperationException($"{setting} = {configured} is not a TCP port: use 1–65535, or 0 to pick a free one at start-up.");
        }
        var listener = new TcpListener(IPAddress.Loopback, configured) { ExclusiveAddressUse = true };
        try
        {
            listener.Start();
            // Released at once for the silo to bind: a port picked this way could in theory be taken in between,
            // which start-up would then report as the silo's own bind error.
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"{setting} = {configured}: the port is already in use on 127.0.0.1, probably by another GameServer on this machine. " +
                $"Set {setting} (environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}) to a free port, or to 0 to pick one at start-up.", ex);
        }
        finally
        {
            listener.Stop();
        }
    }
}

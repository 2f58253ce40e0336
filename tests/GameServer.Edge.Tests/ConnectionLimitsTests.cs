using System.Net;

namespace GameServer.Edge.Tests;

public sealed class ConnectionLimitsTests
{
    private static readonly IPAddress s_alice = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress s_bob = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void PerIpLimit_RefusesTheNextConnectionFromThatAddressOnly()
    {
        using var limits = new ConnectionLimits(new EdgeOptions { MaxConnections = 100, MaxConnectionsPerIp = 2 });
        using var a1 = limits.TryAcquire(s_alice);
        using var a2 = limits.TryAcquire(s_alice);

        using var a3 = limits.TryAcquire(s_alice);
        using var b1 = limits.TryAcquire(s_bob);

        Assert.Equal(ConnectionLimits.LimitRefusal.IpFull, a3.Refusal);
        Assert.Equal(ConnectionLimits.LimitRefusal.None, b1.Refusal);
    }

    [Fact]
    public void EdgeLimit_RefusesEveryone_UntilAConnectionEnds()
    {
        using var limits = new ConnectionLimits(new EdgeOptions { MaxConnections = 1, MaxConnectionsPerIp = 10 });
        var first = limits.TryAcquire(s_alice);

        using (var refused = limits.TryAcquire(s_bob))
        {
            Assert.Equal(ConnectionLimits.LimitRefusal.EdgeFull, refused.Refusal);
        }
        first.Dispose();
        using var after = limits.TryAcquire(s_bob);

        Assert.Equal(ConnectionLimits.LimitRefusal.None, after.Refusal);
    }

    [Fact]
    public void ARefusedConnection_DoesNotHoldAPermit()
    {
        using var limits = new ConnectionLimits(new EdgeOptions { MaxConnections = 10, MaxConnectionsPerIp = 1 });
        using var held = limits.TryAcquire(s_alice);
        for (var i = 0; i < 20; i++)
        {
            using var refused = limits.TryAcquire(s_alice);
            Assert.Equal(ConnectionLimits.LimitRefusal.IpFull, refused.Refusal);
        }

        // 20 refusals did not eat the edge-wide permits: 9 other addresses still get in.
        var others = Enumerable.Range(1, 9).Select(i => limits.TryAcquire(IPAddress.Parse($"10.1.0.{i}"))).ToArray();
        Assert.All(others, lease => Assert.Equal(ConnectionLimits.LimitRefusal.None, lease.Refusal));
        foreach (var lease in others)
        {
            lease.Dispose();
        }
    }
}

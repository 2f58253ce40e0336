namespace GameServer.Cluster.Tests;

/// <summary>
/// What Orleans logs, by design, when a test kills or freezes a silo: the survivors' probes to it fail until it is
/// declared dead, their connections to it reset or are refused, and calls that were on their way to it (from the
/// silos, the edges and the test's own Orleans client) fail or time out. Allowed only in the tests that lose a silo on
/// purpose, and only for the rest of that test.
/// </summary>
internal static class SiloLossLogs
{
    public static void Allow(TestLogScope scope, string how)
    {
        var why = $"the test loses a silo ({how}) on purpose";
        scope.Allow("Orleans.Runtime.MembershipService.SiloHealthMonitor", 100613, why + ": probes to it go unanswered");
        scope.Allow("Orleans.Runtime.MembershipService.SiloHealthMonitor", 1613849313, why + ": a probe to it is inconclusive");
        scope.Allow("Orleans.Runtime.Messaging.ConnectionManager", 1953908373, why + ": connecting to it is refused");
        scope.Allow("Orleans.Runtime.Messaging.Connection", 816022561, why + ": its connections reset");
        // A probe already queued on the connection that just broke (seen once in CI: "Failed to send ping message", then "Failed ping message").
        scope.Allow("Orleans.Runtime.Messaging.Connection", 321414672, why + ": a probe to it cannot be sent on its broken connection");
        scope.Allow("Orleans.Runtime.Messaging.Connection", 686677195, why + ": that probe is reported failed");
        scope.Allow("Orleans.Runtime.CallbackData", 100157, why + ": calls to it fail or time out");
        scope.Allow("Orleans.Runtime.GrainDirectory.ClientDirectory", "Exception publishing client routing table to silo", why + ": the directory cannot reach it");
        scope.Allow("Orleans.Runtime.GrainCallCancellationManager", 294010709, why + ": cancelling calls to it fails");
        // Until it is declared dead the directory still points at it: messages to grains it hosted (the edges' one-way
        // inputs to its rooms) cannot be addressed, and placement retries the connection.
        scope.Allow("Orleans.Messaging", 100071, why + ": messages to its grains cannot be addressed");
        scope.Allow("Orleans.Messaging", 101002, why + ": the rejections of one-way messages to its grains are discarded");
        scope.Allow("Polly", "Source: 'Orleans.Placement/", why + ": placement retries connecting to it");
        scope.Allow("Orleans.Messaging", 101016, why + ": a silo drops the one-way messages it was forwarding to the lost silo's grains");
        // An edge renewing its subscription to a room on the lost silo at that moment fails once; the edge then follows
        // the room (it re-activates on a live silo) when its snapshots stop.
        scope.Allow("GameServer.Edge.RoomLink", 21, why + ": renewing a subscription to one of its rooms fails");
    }
}

using System.Reflection;
using Microsoft.Extensions.Logging;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The log guard itself (<see cref="CheckLogsAttribute"/>, <see cref="HostLog"/>), driven by hand around a log with no
/// host: what fails a test, what an allowance lets through, and which entries count for which test.
/// </summary>
public sealed class LogGuardTests
{
    private static readonly MethodInfo s_allowsOne = typeof(LogGuardTests).GetMethod(nameof(AllowsOneRateLimitWarning), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_allowsNothing = typeof(LogGuardTests).GetMethod(nameof(AllowsNothing), BindingFlags.NonPublic | BindingFlags.Static)!;

    [Fact]
    public void AWarningTheTestDoesNotAllow_FailsTheTest_NamingCategoryEventIdHostAndMessage()
    {
        var log = new HostLog("host");
        var guard = new CheckLogsAttribute();
        guard.Before(s_allowsNothing);
        TestLogScope.Required.Watch(log);
        log.CreateLogger("GameServer.Edge.PlayerSession").Log(LogLevel.Warning, new EventId(7), "player {Player} flooded", "p1");

        var error = Assert.Throws<UnexpectedLogException>(() => guard.After(s_allowsNothing));

        Assert.Contains("Warning GameServer.Edge.PlayerSession[7] (host): player p1 flooded", error.Message, StringComparison.Ordinal);
        Assert.Null(TestLogScope.Current);
    }

    [Fact]
    public void AllowedEntries_AndInformation_PassTheTest()
    {
        var log = new HostLog("host");
        var guard = new CheckLogsAttribute();
        guard.Before(s_allowsOne);
        TestLogScope.Required.Watch(log);
        TestLogScope.Required.Allow("Microsoft.AspNetCore.Server.Kestrel", "connection reset", "allowed while the test runs");
        log.CreateLogger("GameServer.Edge.PlayerSession").Log(LogLevel.Warning, new EventId(7), "flood");
        log.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").Log(LogLevel.Error, new EventId(13), "the connection reset by peer");
        log.CreateLogger("Orleans.Runtime.Silo").Log(LogLevel.Information, new EventId(1), "started");

        var error = Record.Exception(() => guard.After(s_allowsOne));

        Assert.Null(error);
        Assert.Equal(2, log.Entries.Count);
    }

    [Fact]
    public void ASharedHost_CountsOnlyWhatItLoggedWhileTheTestRan_AndReportsWhatNoTestSaw()
    {
        var log = new HostLog("shared host");
        var logger = log.CreateLogger("GameServer.Grains.RoomGrain");
        logger.Log(LogLevel.Error, new EventId(3), "before the test");
        var guard = new CheckLogsAttribute();
        guard.Before(s_allowsNothing);
        TestLogScope.Required.Watch(log);

        var during = Record.Exception(() => guard.After(s_allowsNothing));
        var atDispose = Assert.Throws<UnexpectedLogException>(log.AssertNoUncheckedEntries);

        Assert.Null(during);
        Assert.Contains("Error GameServer.Grains.RoomGrain[3] (shared host): before the test", atDispose.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12:00:01.250 warn: Orleans.Runtime.Silo[100405] Note: use server GC", LogLevel.Warning, "Orleans.Runtime.Silo", 100405, "Note: use server GC")]
    [InlineData("fail: GameServer.Edge.Connection[12] send failed IOException: reset", LogLevel.Error, "GameServer.Edge.Connection", 12, "send failed IOException: reset")]
    [InlineData("crit: Microsoft.Extensions.Hosting.Internal.Host[11]", LogLevel.Critical, "Microsoft.Extensions.Hosting.Internal.Host", 11, "")]
    [InlineData("Unhandled exception. System.InvalidOperationException: boom", LogLevel.Critical, "(runtime)", 0, "Unhandled exception. System.InvalidOperationException: boom")]
    public void AChildProcessConsoleLine_AtWarningOrAbove_IsAnEntry(string line, LogLevel level, string category, int eventId, string message)
    {
        var log = new HostLog("cluster");

        log.AddConsoleLine(line, "silo-1");

        var entry = Assert.Single(log.Entries);
        Assert.Equal((level, category, eventId, message, "silo-1"), (entry.Level, entry.Category, entry.EventId, entry.Message, entry.Source));
    }

    [Theory]
    [InlineData("12:00:01.250 info: Orleans.Runtime.MembershipService.MembershipTableManager[100614] joined")]
    [InlineData("      Now listening on: http://127.0.0.1:5000")]
    [InlineData("warning: not a log line")]
    public void OtherConsoleLines_AreNotEntries(string line)
    {
        var log = new HostLog("cluster");

        log.AddConsoleLine(line, "silo-1");

        Assert.Empty(log.Entries);
    }

    [Theory]
    [InlineData(86528487, ".NET Thread Pool execution stalled for 1.0470758s. This can indicate .NET Thread Pool starvation.", true)]
    [InlineData(1961930485, "Self-monitoring determined that local health is degraded. Degradation score is 1/8 (lower is better). Complaints: .NET Thread Pool execution stalled for 2.5s. This can indicate", true)]
    [InlineData(86528487, ".NET Thread Pool execution stalled for 3.2s. This can indicate .NET Thread Pool starvation.", false)]
    [InlineData(1961930485, "Self-monitoring determined that local health is degraded. Degradation score is 2/8 (lower is better). Complaints: the silo is not active", false)]
    public void AThreadPoolStall_IsTheMachinesNoise_OnlyWhenShorterThanTheLimit(int eventId, string message, bool known)
    {
        var entry = new LogEntry(1, LogLevel.Warning, "Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", eventId, message, "host");

        Assert.Equal(known, HostLog.IsKnownNote(entry));
    }

    [AllowLog("GameServer.Edge.PlayerSession", 7, "stands for a test that floods on purpose")]
    private static void AllowsOneRateLimitWarning()
    {
    }

    private static void AllowsNothing()
    {
    }
}

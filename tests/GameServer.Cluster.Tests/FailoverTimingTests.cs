using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using GameServer.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// A timing probe more than a test: kill -9 (or stop, or freeze) the silo hosting a grain and measure how long until
/// a call to that grain succeeds again, re-activated on the surviving silo. The figures (in the test output, and in
/// docs/operations.md) decide the failure-detection settings in <c>GameClusterOptions</c>; the assertions only check
/// that the grain came back, on the survivor, within a bound. To try other settings, set CLUSTER_TEST_SILO_SETTINGS to semicolon-separated
/// environment entries for the silos, e.g. <c>Cluster__MaxProbeTimeoutMs=2000;Cluster__NumMissedProbesLimit=3</c>.
/// </summary>
[Collection(ClusterCollection.Name)]
[CheckLogs]
public sealed class FailoverTimingTests(ITestOutputHelper output)
{
    private const int Rounds = 3;
    private static readonly TimeSpan s_attemptEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_giveUpAfter = TimeSpan.FromSeconds(40);

    /// <summary>How the silo is lost.</summary>
    public enum Loss
    {
        /// <summary>kill -9: the process is gone and the OS closes its sockets at once (a crash, an OOM kill).</summary>
        Killed,

        /// <summary>SIGTERM: a graceful stop (docker stop, a rolling deployment).</summary>
        Stopped,

        /// <summary>
        /// SIGSTOP: the process stops answering but its sockets stay open, as when a machine loses power or its network,
        /// so Orleans also waits out its connection-liveness window. Killed afterwards.
        /// </summary>
        Frozen,
    }

    [Theory]
    [AllowLog("Orleans.Messaging.GatewayManager", 63126461, "each round replaces a silo faster than the test's client refreshes its gateway list, so losing the next one can leave it none it knows alive until it refreshes")]
    [AllowLog("Orleans.Runtime.Messaging.ConnectionManager", 1953908373, "the test's client tries the lost silo's gateway again, however it was lost, and is refused")]
    [AllowLog("Orleans.Messaging", 100071, "the probe calls the grain every 100 ms while its silo shuts down or dies; a call that reaches it then cannot be addressed")]
    [AllowLog("Orleans.Messaging", 101016, "the same call's rejection is dropped")]
    [InlineData(Loss.Killed)]
    [InlineData(Loss.Stopped)]
    [InlineData(Loss.Frozen)]
    public async Task LosingTheSiloHostingAGrain_TheGrainAnswersFromTheSurvivorWithinSeconds(Loss loss)
    {
        var how = loss switch { Loss.Killed => "kill -9", Loss.Stopped => "SIGTERM", _ => "SIGSTOP" };
        if (loss != Loss.Stopped)
        {
            // A killed or frozen silo is noticed; a stopped one leaves the cluster cleanly, with one exception below.
            SiloLossLogs.Allow(TestLogScope.Required, how);
        }
        else
        {
            // The location lookup that timed out and is retried (WhereAsync) is cancelled, and the cancellation may be sent
            // to the silo that is just stopping, which no longer answers (seen once in CI).
            TestLogScope.Required.Allow("Orleans.Runtime.GrainCallCancellationManager", 294010709,
                "a timed-out lookup's cancellation cannot reach the silo that is stopping");
            // The survivor's membership probe may be in flight when the stopping silo closes its connections (seen once in CI).
            TestLogScope.Required.Allow("Orleans.Runtime.CallbackData", "IMembershipService.Ping",
                "a membership probe in flight to the silo that is stopping loses its connection");
            TestLogScope.Required.Allow("Orleans.Runtime.MembershipService.SiloHealthMonitor", 100613,
                "that probe counts as unanswered until the stopped silo is marked dead");
        }
        var settings = SiloSettingsFromEnvironment();
        output.WriteLine($"silo settings: {(settings.Count == 0 ? "defaults" : string.Join("; ", settings.Select(s => $"{s.Key}={s.Value}")))}");
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, edges: 0, output, settings);
        await cluster.ExplainFailuresAsync(async () =>
        {
            var client = await cluster.ConnectOrleansClientAsync();
            var management = client.GetGrain<IManagementGrain>(0);
            await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
            var recovered = new List<TimeSpan>();
            var declaredDead = new List<TimeSpan>();
            var failedCalls = 0;

            for (var round = 1; round <= Rounds; round++)
            {
                // Any grain kind would do; a room type reads its state from Redis when it activates, as rooms do.
                var grain = client.GetGrain<IRoomTypeGrain>($"failover-probe-{round}");
                await grain.GetEffective();
                var host = await WhereAsync(management, grain);
                Assert.NotNull(host);
                var victim = cluster.Silos.Single(s => s.SiloPort == host.Endpoint.Port && !s.Process.HasExited);
                var survivor = cluster.Silos.Single(s => s != victim && !s.Process.HasExited);

                var clock = Stopwatch.StartNew();
                var stopped = Task.CompletedTask;
                switch (loss)
                {
                    case Loss.Killed:
                        ClusterProcesses.Kill(victim);
                        break;
                    case Loss.Stopped:
                        stopped = ClusterProcesses.StopAsync(victim);
                        break;
                    default:
                        await victim.Process.SignalAsync("STOP");
                        break;
                }
                var deadAfter = WatchMembershipTableAsync(redis.GetDatabase(), cluster.ClusterId, victim, clock);
                var probe = await ProbeAsync(() => grain.GetEffective(), () => loss == Loss.Frozen || victim.Process.HasExited, clock);
                await stopped;
                if (loss == Loss.Frozen)
                {
                    ClusterProcesses.Kill(victim);
                }
                var nowOn = await WhereAsync(management, grain);

                Assert.Equal(survivor.SiloPort, nowOn?.Endpoint.Port);
                recovered.Add(probe.Answered);
                declaredDead.Add(await deadAfter);
                failedCalls += probe.Failed;
                output.WriteLine($"round {round}: {how} {victim.Name}; gone after {probe.Exited.TotalSeconds:0.00} s, declared dead after " +
                    $"{declaredDead[^1].TotalSeconds:0.00} s; grain answered from {survivor.Name} after {probe.Answered.TotalSeconds:0.00} s; " +
                    $"{probe.Failed} of {probe.Total} calls (one per 100 ms) failed");

                if (round < Rounds)
                {
                    await cluster.StartSiloAsync();
                    await Wait.UntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "two active silos again");
                }
            }

            output.WriteLine($"failover ({how} -> grain answers on the survivor) over {Rounds} rounds: " +
                $"min {recovered.Min().TotalSeconds:0.00} s, max {recovered.Max().TotalSeconds:0.00} s; " +
                $"declared dead: min {declaredDead.Min().TotalSeconds:0.00} s, max {declaredDead.Max().TotalSeconds:0.00} s; {failedCalls} calls failed");
            Assert.All(recovered, elapsed => Assert.True(elapsed < s_giveUpAfter));
        });
    }

    /// <summary>
    /// Starts a call every <see cref="s_attemptEvery"/> without waiting for earlier ones (a call sent towards the dead
    /// silo may wait for the response timeout) until one started after the victim is gone has succeeded: before that, a
    /// stopping silo may still answer itself. Counts the calls that failed, waiting for the stragglers.
    /// </summary>
    private static async Task<(TimeSpan Exited, TimeSpan Answered, int Failed, int Total)> ProbeAsync(Func<Task> call, Func<bool> victimGone, Stopwatch clock)
    {
        var outcomes = new ConcurrentQueue<(TimeSpan Started, TimeSpan Ended, bool Succeeded)>();
        var calls = new List<Task>();
        TimeSpan? exited = null;
        while (clock.Elapsed < s_giveUpAfter)
        {
            if (exited is null && victimGone())
            {
                exited = clock.Elapsed;
            }
            if (exited is { } exitedAt
                && outcomes.Where(o => o.Succeeded && o.Started >= exitedAt).OrderBy(o => o.Ended).FirstOrDefault() is { Succeeded: true } first)
            {
                await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));
                return (exitedAt, first.Ended, outcomes.Count(o => !o.Succeeded), outcomes.Count);
            }
            calls.Add(Attempt(clock.Elapsed));
            await Task.Delay(s_attemptEvery);
        }
        throw new TimeoutException($"No call succeeded on the survivor within {s_giveUpAfter.TotalSeconds:0} s (victim exited: {exited?.ToString() ?? "no"}).");

        async Task Attempt(TimeSpan started)
        {
            try
            {
                await call();
                outcomes.Enqueue((started, clock.Elapsed, true));
            }
            catch (Exception)
            {
                // Expected while the cluster has not yet declared the silo dead; counted.
                outcomes.Enqueue((started, clock.Elapsed, false));
            }
        }
    }

    private static Dictionary<string, string?> SiloSettingsFromEnvironment() =>
        (Environment.GetEnvironmentVariable("CLUSTER_TEST_SILO_SETTINGS") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => (string?)(pair.Length > 1 ? pair[1] : ""), StringComparer.Ordinal);

    /// <summary>
    /// When the membership table in Redis first shows <paramref name="victim"/> as Dead: read directly, as a grain call
    /// (e.g. to the management grain) may itself be waiting on the dead silo.
    /// </summary>
    private static async Task<TimeSpan> WatchMembershipTableAsync(IDatabase redis, string clusterId, ClusterNode victim, Stopwatch clock)
    {
        // Orleans' Redis membership: hash "{ServiceId}/members/{ClusterId}", one JSON entry per silo keyed by its address.
        var table = new RedisKey($"{clusterId}/members/{clusterId}");
        var row = $":{victim.SiloPort}:";
        while (clock.Elapsed < s_giveUpAfter)
        {
            foreach (var entry in await redis.HashGetAllAsync(table))
            {
                if (entry.Name.ToString().Contains(row, StringComparison.Ordinal)
                    && JsonDocument.Parse(entry.Value.ToString()).RootElement.GetProperty("Status").GetInt32() == (int)SiloStatus.Dead)
                {
                    return clock.Elapsed;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
        return s_giveUpAfter;
    }

    /// <summary>
    /// The silo hosting <paramref name="grain"/>. The management grain answering it may itself have lived on the silo
    /// just lost (or be activating on a silo just started); a call that times out then is retried, a few times.
    /// </summary>
    private static async Task<SiloAddress?> WhereAsync(IManagementGrain management, IAddressable grain)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await management.GetActivationAddress(grain);
            }
            catch (TimeoutException) when (attempt < 4)
            {
            }
        }
    }
}

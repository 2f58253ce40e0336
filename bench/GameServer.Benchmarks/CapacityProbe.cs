using System.Collections.Concurrent;
using System.Diagnostics;
using GameServer.Abstractions;
using GameServer.Auth;
using GameServer.Client;
using GameServer.Protocol.Arena;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GameServer.Benchmarks;

/// <summary>
/// Adds rooms of 8 simulated players step by step against a running embedded server and reports, per step, whether
/// every room still ticked on time (no skipped ticks, tick rate ≥ 19.5 Hz) and players still got ≥ 19.5 snapshots/s,
/// with the server's CPU.
/// Usage: capacity --url ws://127.0.0.1:5000/ws --gateway 30000 --pid &lt;server pid&gt; --steps 25,50,100 --seconds 10
/// --token-key &lt;the server's Auth:SigningKey&gt; (or env GAMESERVER_TOKEN_KEY). The server needs Edge:MaxConnectionsPerIp
/// above the player count.
/// </summary>
internal static class CapacityProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Arg(args, "--url", "ws://127.0.0.1:5000/ws"));
        var gateway = int.Parse(Arg(args, "--gateway", "30000"));
        var pid = int.Parse(Arg(args, "--pid", "0"));
        var steps = Arg(args, "--steps", "25,50,100").Split(',').Select(int.Parse).ToArray();
        var seconds = double.Parse(Arg(args, "--seconds", "10"));
        var tokenKey = Arg(args, "--token-key", Environment.GetEnvironmentVariable("GAMESERVER_TOKEN_KEY") ?? "");
        if (tokenKey.Length == 0)
        {
            Console.Error.WriteLine("--token-key (the server's Auth:SigningKey) is required to sign the bots' player tokens.");
            return 2;
        }
        var tokens = new GameTokenIssuer(tokenKey);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort: gateway));
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();

        var bots = new List<Bot>();
        var rooms = new ConcurrentDictionary<string, byte>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(() => SendInputsAsync(bots, stop.Token));
        Console.WriteLine("rooms | players | tick Hz (min/avg) | skipped ticks | snapshots/s/player | bytes/s/player | server CPU % of one core");
        var overran = false;
        foreach (var target in steps)
        {
            while (!overran && bots.Count < target * 8)
            {
                var joins = Enumerable.Range(0, Math.Min(8, (target * 8) - bots.Count)).Select(_ => Bot.StartAsync(url, tokens)).ToArray();
                Bot[] joined;
                try
                {
                    joined = await Task.WhenAll(joins);
                }
                catch (TimeoutException ex)
                {
                    Console.WriteLine($"Joins stopped getting answers at {bots.Count} players: {ex.Message}");
                    overran = true;
                    break;
                }
                foreach (var bot in joined)
                {
                    rooms.TryAdd(bot.Client.Room!.RoomId, 0);
                    lock (bots)
                    {
                        bots.Add(bot);
                    }
                }
            }
            if (overran)
            {
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(3)); // warm-up after the joins

            var before = await Task.WhenAll(rooms.Keys.Select(r => grains.GetGrain<IRoomGrain>(r).GetInfo()));
            var snaps0 = bots.Sum(b => b.Client.SnapshotsReceived);
            var bytes0 = bots.Sum(b => b.Client.WireBytesReceived);
            var cpu0 = CpuSeconds(pid);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var after = await Task.WhenAll(rooms.Keys.Select(r => grains.GetGrain<IRoomGrain>(r).GetInfo()));
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpu = (CpuSeconds(pid) - cpu0) / elapsed * 100;

            var rates = after.Select(a => (a.Tick - before.Single(b => b.RoomId == a.RoomId).Tick) / elapsed).ToArray();
            var skipped = after.Sum(a => a.SkippedTicks - before.Single(b => b.RoomId == a.RoomId).SkippedTicks);
            var snapRate = (bots.Sum(b => b.Client.SnapshotsReceived) - snaps0) / elapsed / bots.Count;
            var byteRate = (bots.Sum(b => b.Client.WireBytesReceived) - bytes0) / elapsed / bots.Count;
            Console.WriteLine($"{rooms.Count,5} | {bots.Count,7} | {rates.Min(),6:0.0} / {rates.Average(),5:0.0} | {skipped,13} | {snapRate,18:0.0} | {byteRate,14:0} | {cpu,5:0.0}");
            if (skipped > 0 || rates.Min() < 19.5)
            {
                overran = true;
                Console.WriteLine($"Ticks overran at {rooms.Count} rooms.");
                break;
            }
            if (snapRate < 19.5)
            {
                overran = true;
                Console.WriteLine($"Ticks kept time, but snapshot delivery fell below 19.5/s per player at {rooms.Count} rooms.");
                break;
            }
        }
        stop.Cancel();
        await sender;
        await Task.WhenAll(bots.Select(b => b.Client.DisposeAsync().AsTask()));
        await host.StopAsync();
        return overran ? 1 : 0;
    }

    /// <summary>One loop sends every bot's input at 20 Hz (each bot at its own phase), as WORKLOAD.md describes.</summary>
    private static async Task SendInputsAsync(List<Bot> bots, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var random = new Random(7);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Bot[] snapshot;
            lock (bots)
            {
                snapshot = bots.ToArray();
            }
            var now = Stopwatch.GetTimestamp();
            foreach (var bot in snapshot)
            {
                if (now >= bot.NextSendAt)
                {
                    bot.NextSendAt = now + (long)(Stopwatch.Frequency * (0.0475 + (random.NextDouble() * 0.005)));
                    bot.Dx = Math.Clamp(bot.Dx + (float)((random.NextDouble() * 0.4) - 0.2), -1f, 1f);
                    bot.Dy = Math.Clamp(bot.Dy + (float)((random.NextDouble() * 0.4) - 0.2), -1f, 1f);
                    _ = bot.Client.SendInputAsync(new ArenaInput(bot.Dx, bot.Dy).ToPayload());
                }
            }
        }
    }

    private static double CpuSeconds(int pid)
    {
        if (pid <= 0)
        {
            return 0;
        }
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime + stime, in clock ticks of 1/100 s
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed class Bot(GameClient client)
    {
        public GameClient Client { get; } = client;
        public long NextSendAt { get; set; } = Stopwatch.GetTimestamp() + Random.Shared.NextInt64(Stopwatch.Frequency / 20);
        public float Dx { get; set; }
        public float Dy { get; set; }

        public static async Task<Bot> StartAsync(Uri url, GameTokenIssuer tokens)
        {
            var token = tokens.Issue("probe-" + Guid.NewGuid().ToString("N")[..10], TimeSpan.FromHours(2));
            var client = new GameClient(new GameClientOptions { DecodeSnapshots = false, AccessToken = token });
            await client.ConnectAsync(url);
            await client.JoinAsync(ArenaGame);
            return new Bot(client);
        }

        private const string ArenaGame = "arena";
    }
}

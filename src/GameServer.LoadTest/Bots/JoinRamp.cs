using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// Starts the bots' joins spread evenly over the ramp time, at most <see cref="MaxJoinsInFlight"/> at once, and hands
/// each joined bot to the send loop. Failed joins are recorded by the bot and the ramp goes on. Bots are spread evenly
/// over the edges in <paramref name="urls"/> (see <see cref="EdgeRotation"/>).
/// </summary>
internal sealed class JoinRamp(BotFleet fleet, InputPump pump, IReadOnlyList<Uri> urls, LoadTestOptions options)
{
    /// <summary>WORKLOAD.md: up to 8 joins in flight.</summary>
    public const int MaxJoinsInFlight = 8;

    /// <summary>Runs until every bot has joined or failed; cancelling gives up the joins not finished yet.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(MaxJoinsInFlight);
        var joins = new List<Task>(fleet.Bots.Count);
        var start = Clock.Now;
        var spacing = Clock.Ticks(options.Ramp) / Math.Max(1, fleet.Bots.Count); // the last join starts just before the ramp ends
        try
        {
            foreach (var bot in fleet.Bots)
            {
                var due = start + (bot.Index * spacing);
                var wait = Clock.Seconds(due - Clock.Now);
                if (wait > 0.001)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
                }
                await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
                joins.Add(JoinOneAsync(bot, inFlight, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(joins).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            foreach (var bot in fleet.Bots.Skip(joins.Count))
            {
                const string why = "never started: the ramp deadline passed or the run was stopped";
                fleet.Entry.GaveUp(bot.Index, why);
                bot.GiveUp(why);
            }
        }
    }

    private async Task JoinOneAsync(Bot bot, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            if (await bot.JoinAsync(EdgeRotation.For(urls, bot.Index), fleet.Entry, options.ConnectTimeout, cancellationToken).ConfigureAwait(false))
            {
                pump.Add(bot);
            }
        }
        finally
        {
            inFlight.Release();
        }
    }
}

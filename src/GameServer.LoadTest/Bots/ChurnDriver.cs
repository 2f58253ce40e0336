using System.Collections.Concurrent;
using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// --churn: after the ramp, rooms play matches of a random length; when a room's match ends its players leave (a Leave
/// and a close) and, each after a random pause of up to <see cref="LoadTestOptions.RejoinDelayMax"/>, a new player with
/// the same token takes the slot and matchmakes afresh. A room whose players all left closes once it has been empty for
/// the room type's grace, unless the matchmaker sends new players there first (it fills the oldest room with a free seat).
/// Meanwhile a <see cref="LoadTestOptions.DropShare"/> of the players drop their connection once, at a random moment,
/// without a close, and resume their seat. A slot whose player is out of its room for another reason (a failed join or
/// resume, already counted as an error) is refilled.
/// </summary>
internal sealed class ChurnDriver(BotFleet fleet, InputPump pump, LoadTestOptions options, int seed)
{
    private static readonly TimeSpan s_checkEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_leaveTimeout = TimeSpan.FromSeconds(5);
    // A drop's reconnect and resume take well under a second on loopback; this only bounds a server that never answers.
    private static readonly TimeSpan s_resumeTimeout = TimeSpan.FromSeconds(30);

    private long _leaves;
    private long _drops;
    private long _replacementsFailed;
    private long _matches;

    /// <summary>Players that left (and were replaced).</summary>
    public long Leaves => Interlocked.Read(ref _leaves);

    /// <summary>Connections dropped on purpose (the players resumed, or the failure is counted as an error).</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Replacements whose join failed (also counted as errors by the bot).</summary>
    public long ReplacementsFailed => Interlocked.Read(ref _replacementsFailed);

    /// <summary>Matches that ended (their players left).</summary>
    public long MatchesEnded => Interlocked.Read(ref _matches);

    /// <summary>
    /// Churns until <paramref name="stop"/>, then waits for the replacements under way (each bounded by the connect and
    /// join timeouts) and for the drops under way to end, so that every slot ends with a player that joined, resumed or
    /// failed.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(seed);
        var slots = fleet.Bots.Count;
        var busy = new bool[slots];
        var seatedAt = new long[slots];
        var dropAt = new long[slots];
        // Per slot, the bot's ended outages before its drop; -1 when no drop of the driver's is under way. A dropped player
        // is left alone until its resume ends: its client may not have noticed the drop by the next check.
        var resuming = new long[slots];
        Array.Fill(resuming, -1);
        var droppedAt = new long[slots];
        var matchEnds = new Dictionary<string, long>(StringComparer.Ordinal);
        var ended = new HashSet<string>(StringComparer.Ordinal);
        var now = Clock.Now;
        for (var i = 0; i < slots; i++)
        {
            dropAt[i] = DropTime(random, now);
        }
        var finished = new ConcurrentQueue<int>();
        var replacements = new List<Task>();
        using var joins = new SemaphoreSlim(JoinRamp.MaxJoinsInFlight);
        using var timer = new PeriodicTimer(s_checkEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                now = Clock.Now;
                while (finished.TryDequeue(out var slot))
                {
                    busy[slot] = false;
                    seatedAt[slot] = now;
                    dropAt[slot] = DropTime(random, now);
                }
                ended.Clear();
                for (var i = 0; i < slots; i++)
                {
                    if (busy[i])
                    {
                        continue;
                    }
                    var bot = fleet.Bots[i];
                    if (resuming[i] >= 0)
                    {
                        if (bot.Recovery.OutagesEnded <= resuming[i] && now - droppedAt[i] < Clock.Ticks(s_resumeTimeout))
                        {
                            continue;
                        }
                        resuming[i] = -1;
                    }
                    if (bot.Client.State == GameServer.Client.ConnectionState.Reconnecting)
                    {
                        continue;
                    }
                    if (!bot.InRoom || bot.RoomId is not { } room)
                    {
                        busy[i] = true; // lost its seat some other way (an error already): refill the slot
                        replacements.Add(ReplaceAsync(bot, TimeSpan.Zero, joins, finished, stop));
                        continue;
                    }
                    if (!matchEnds.TryGetValue(room, out var end) || (end <= seatedAt[i] && !ended.Contains(room)))
                    {
                        // The room's first match, or a new one in a room whose last match ended before this player
                        // arrived. The rooms filled by the ramp are somewhere in their match already, so matches do not
                        // all end together.
                        var play = MatchTicks(random);
                        end = now + (seatedAt[i] == 0 ? (long)(play * random.NextDouble()) : play);
                        matchEnds[room] = end;
                    }
                    if (now >= end)
                    {
                        if (ended.Add(room))
                        {
                            Interlocked.Increment(ref _matches);
                        }
                        busy[i] = true;
                        replacements.Add(ReplaceAsync(bot, options.RejoinDelayMax * random.NextDouble(), joins, finished, stop));
                    }
                    else if (now >= dropAt[i])
                    {
                        dropAt[i] = long.MaxValue;
                        resuming[i] = bot.Recovery.OutagesEnded;
                        droppedAt[i] = now;
                        Interlocked.Increment(ref _drops);
                        bot.Client.DropConnection();
                    }
                }
                replacements.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await Task.WhenAll(replacements).ConfigureAwait(false);
        await WaitForResumesAsync(resuming).ConfigureAwait(false);
    }

    /// <summary>Waits (bounded) until every drop the driver made has ended, so a drop just before the end is not counted unresumed.</summary>
    private async Task WaitForResumesAsync(long[] resuming)
    {
        var deadline = Clock.Now + Clock.Ticks(s_resumeTimeout);
        while (Clock.Now < deadline && Enumerable.Range(0, resuming.Length).Any(i => resuming[i] >= 0 && fleet.Bots[i].Recovery.OutagesEnded <= resuming[i]))
        {
            await Task.Delay(s_checkEvery).ConfigureAwait(false);
        }
    }

    /// <summary>With probability --drop-share, a moment within the longest play time; otherwise never.</summary>
    private long DropTime(Random random, long now) =>
        random.NextDouble() < options.DropShare ? now + (long)(Clock.Ticks(options.MatchMax) * random.NextDouble()) : long.MaxValue;

    private async Task ReplaceAsync(Bot bot, TimeSpan away, SemaphoreSlim joins, ConcurrentQueue<int> finished, CancellationToken stop)
    {
        try
        {
            pump.Remove(bot);
            await bot.LeaveAsync(s_leaveTimeout).ConfigureAwait(false);
            Interlocked.Increment(ref _leaves);
            var next = fleet.Replace(bot, Clock.Now);
            try
            {
                await Task.Delay(away, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await joins.WaitAsync().ConfigureAwait(false);
            try
            {
                // Not cancelled by the end of the run: a join cut short would be counted as an error. Each is bounded.
                if (await next.JoinAsync(EdgeRotation.For(options.Urls, next.Index), fleet.Entry, options.ConnectTimeout, CancellationToken.None).ConfigureAwait(false))
                {
                    pump.Add(next);
                }
                else
                {
                    Interlocked.Increment(ref _replacementsFailed);
                }
            }
            finally
            {
                joins.Release();
            }
        }
        finally
        {
            finished.Enqueue(bot.Index);
        }
    }

    private long MatchTicks(Random random) =>
        Clock.Ticks(options.MatchMin + ((options.MatchMax - options.MatchMin) * random.NextDouble()));
}

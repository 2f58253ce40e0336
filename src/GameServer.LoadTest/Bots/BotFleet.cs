using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>All the run's bots: created up front with their seeds and roles, summed each second, closed at the end.</summary>
internal sealed class BotFleet
{
    private readonly Bot[] _bots;
    private bool _windowStarted;

    /// <param name="accessTokens">Bot i's player token at index i, one per target player.</param>
    public BotFleet(LoadTestOptions options, int seed, Measurements measurements, IReadOnlyList<string> accessTokens)
    {
        if (accessTokens.Count != options.TargetPlayers)
        {
            throw new ArgumentException($"{accessTokens.Count} tokens for {options.TargetPlayers} players.", nameof(accessTokens));
        }
        _bots = new Bot[options.TargetPlayers];
        for (var i = 0; i < _bots.Length; i++)
        {
            // Rooms fill in join order and joins start in index order, so the first M indexes of every room's worth of
            // players are (nearly always) the first M players to land in each room: those observe.
            var observer = i % options.PlayersPerRoom < options.ObserversPerRoom;
            _bots[i] = new Bot(i, observer, options.RoomType, options.InputRateHz, DeriveSeed(seed, i), measurements, options.JoinTimeout, accessTokens[i]);
        }
    }

    public IReadOnlyList<Bot> Bots => _bots;

    public FleetTotals Totals()
    {
        long sent = 0, acked = 0, snapshots = 0, bytes = 0, skipped = 0, unmeasurable = 0;
        int inRoom = 0, joined = 0, errored = 0;
        foreach (var bot in _bots)
        {
            sent += bot.InputsSent;
            acked += bot.InputsAcked;
            snapshots += bot.Snapshots;
            bytes += bot.Client.WireBytesReceived;
            skipped += bot.SkippedSends;
            unmeasurable += bot.Unmeasurable;
            inRoom += bot.InRoom ? 1 : 0;
            joined += bot.Joined ? 1 : 0;
            errored += bot.Errored ? 1 : 0;
        }
        return new FleetTotals(sent, acked, snapshots, bytes, inRoom, joined, errored, skipped, unmeasurable);
    }

    /// <summary>Remembers each bot's ack count, so <see cref="PlayersAckedInWindow"/> can tell who got acks since.</summary>
    public void MarkWindowStart()
    {
        _windowStarted = true;
        foreach (var bot in _bots)
        {
            bot.InputsAckedAtWindowStart = bot.InputsAcked;
            bot.InRoomAtWindowStart = bot.InRoom;
        }
    }

    /// <summary>Players reconnecting, and players stalled (seated, no snapshot for over 1 s), at any moment since <paramref name="since"/>.</summary>
    public (int Reconnecting, int Stalled) RecoveryCounts(long since, long now)
    {
        int reconnecting = 0, stalled = 0;
        foreach (var bot in _bots)
        {
            reconnecting += bot.Recovery.ReconnectingSince(since) ? 1 : 0;
            stalled += bot.Recovery.StalledSince(since, now) ? 1 : 0;
        }
        return (reconnecting, stalled);
    }

    /// <summary>Every bot's recovery figures at the end of the run; call once, before the connections are closed.</summary>
    public IReadOnlyList<BotRecoveryTotals> FinishRecovery(long now) => [.. _bots.Select(b => b.Recovery.Finish(now))];

    /// <summary>
    /// Outage time in [<paramref name="from"/>, <paramref name="to"/>) summed over the players the window's rates divide
    /// by (those in a room when it opened), in seconds. Valid after <see cref="FinishRecovery"/>.
    /// </summary>
    public double OutagePlayerSeconds(long from, long to) =>
        Clock.Seconds(_bots.Where(b => b.InRoomAtWindowStart).Sum(b => b.Recovery.OutageTicksWithin(from, to)));

    public long InputsDropped() => _bots.Sum(b => b.InputsDropped);

    public long InputsRolledBack() => _bots.Sum(b => b.InputsRolledBack);

    /// <summary>The edge of each player in a room at the end, given <see cref="FinishRecovery"/>'s totals (same order).</summary>
    public IEnumerable<Uri> EdgesInRoomAtEnd(IReadOnlyList<BotRecoveryTotals> totals) =>
        _bots.Zip(totals).Where(p => p.Second.InRoomAtEnd && p.First.Client.Endpoint is not null).Select(p => p.First.Client.Endpoint!);

    public long AcksNotTimed() => _bots.Sum(b => b.AcksNotTimed);

    public int PlayersAckedInWindow() => _windowStarted ? _bots.Count(b => b.Joined && b.InputsAcked > b.InputsAckedAtWindowStart) : 0;

    public int RoomsJoined() => _bots.Where(b => b.RoomId is not null).Select(b => b.RoomId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Closes every connection at once, each bounded; closes started here are not errors.</summary>
    public Task CloseAllAsync(TimeSpan timeoutEach) => Task.WhenAll(_bots.Select(b => b.CloseAsync(timeoutEach)));

    /// <summary>Independent, reproducible per-bot seeds (SplitMix64 of the run seed and the index).</summary>
    public static int DeriveSeed(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32) + (ulong)index + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}

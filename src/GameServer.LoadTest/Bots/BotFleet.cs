using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// All the run's bots: created up front with their seeds and roles, summed each second, closed at the end. With --churn
/// a bot that leaves is replaced in its slot (<see cref="Replace"/>); what it counted stays in the totals.
/// </summary>
internal sealed class BotFleet
{
    private readonly Bot[] _bots;
    private readonly Func<int, int, Bot> _create;
    private readonly object _gate = new(); // a replacement and a sum never interleave, so no count is lost or doubled
    private readonly Retired _retired = new();
    private int _generation;
    private bool _windowStarted;

    /// <param name="accessTokens">Bot i's player token at index i, one per target player.</param>
    public BotFleet(LoadTestOptions options, int seed, Measurements measurements, IReadOnlyList<string> accessTokens)
    {
        if (accessTokens.Count != options.TargetPlayers)
        {
            throw new ArgumentException($"{accessTokens.Count} tokens for {options.TargetPlayers} players.", nameof(accessTokens));
        }
        _bots = new Bot[options.TargetPlayers];
        Entry = new RoomEntry(options, options.TargetPlayers);
        var players = options.TargetPlayers;
        // Rooms fill in join order and joins start in index order, so the first M indexes of every room's worth of
        // players are (nearly always) the first M players to land in each room: those observe. A replacement keeps its
        // slot's role and token (the same player coming back) and gets a fresh random walk.
        _create = (i, generation) => new Bot(i, i % options.PlayersPerRoom < options.ObserversPerRoom, options.RoomType, options.InputRateHz,
            DeriveSeed(seed, i + (generation * players)), measurements, options.JoinTimeout, accessTokens[i], options.DeltaSnapshots,
            BotTransport.For(options.Transport));
        for (var i = 0; i < _bots.Length; i++)
        {
            _bots[i] = _create(i, 0);
        }
    }

    /// <summary>
    /// --churn: puts a new bot in <paramref name="old"/>'s slot; <paramref name="old"/> must be closed (it counts no
    /// more). Its figures stay in the totals.
    /// </summary>
    public Bot Replace(Bot old, long now)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_bots[old.Index], old))
            {
                throw new InvalidOperationException($"{old.Name} is not in its slot any more.");
            }
            _retired.Add(old, old.Recovery.Finish(now), _windowStarted);
            var next = _create(old.Index, ++_generation);
            _bots[old.Index] = next;
            return next;
        }
    }

    public IReadOnlyList<Bot> Bots => _bots;

    /// <summary>How the bots (and, with --churn, their replacements) get their seats.</summary>
    public RoomEntry Entry { get; }

    public FleetTotals Totals()
    {
        lock (_gate)
        {
            var r = _retired;
            long sent = r.InputsSent, acked = r.InputsAcked, snapshots = r.Snapshots, bytes = r.WireBytes, skipped = r.SkippedSends, unmeasurable = r.Unmeasurable;
            long deltas = r.Deltas, keyframeRequests = r.KeyframeRequests, gameEvents = r.GameEvents;
            int inRoom = 0, joined = 0, errored = r.Errored;
            foreach (var bot in _bots)
            {
                sent += bot.InputsSent;
                acked += bot.InputsAcked;
                deltas += bot.Deltas;
                keyframeRequests += bot.KeyframeRequests;
                gameEvents += bot.GameEvents;
                snapshots += bot.Snapshots;
                bytes += bot.Client.WireBytesReceived;
                skipped += bot.SkippedSends;
                unmeasurable += bot.Unmeasurable;
                inRoom += bot.InRoom ? 1 : 0;
                joined += bot.Joined ? 1 : 0;
                errored += bot.Errored ? 1 : 0;
            }
            return new FleetTotals(sent, acked, snapshots, bytes, inRoom, joined, errored, skipped, unmeasurable, deltas, keyframeRequests, gameEvents);
        }
    }

    /// <summary>Rooms with a seated player now, as the players see it.</summary>
    public int LiveRooms()
    {
        var rooms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bot in _bots)
        {
            if (bot.InRoom && bot.RoomId is { } room)
            {
                rooms.Add(room);
            }
        }
        return rooms.Count;
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
    /// <remarks>The slots' current bots first, in slot order, then the replaced ones.</remarks>
    public IReadOnlyList<BotRecoveryTotals> FinishRecovery(long now)
    {
        lock (_gate)
        {
            return [.. _bots.Select(b => b.Recovery.Finish(now)), .. _retired.Recovery];
        }
    }

    /// <summary>
    /// Outage time in [<paramref name="from"/>, <paramref name="to"/>) summed over the players the window's rates divide
    /// by (those in a room when it opened), in seconds. Valid after <see cref="FinishRecovery"/>.
    /// </summary>
    public double OutagePlayerSeconds(long from, long to)
    {
        lock (_gate)
        {
            return Clock.Seconds(_bots.Where(b => b.InRoomAtWindowStart).Select(b => b.Recovery).Concat(_retired.WindowRecovery)
                .Sum(r => r.OutageTicksWithin(from, to)));
        }
    }

    public long InputsDropped()
    {
        lock (_gate)
        {
            return _retired.InputsDropped + _bots.Sum(b => b.InputsDropped);
        }
    }

    public long InputsRolledBack()
    {
        lock (_gate)
        {
            return _retired.InputsRolledBack + _bots.Sum(b => b.InputsRolledBack);
        }
    }

    /// <summary>The edge of each player in a room at the end, given <see cref="FinishRecovery"/>'s totals (same order).</summary>
    public IEnumerable<Uri> EdgesInRoomAtEnd(IReadOnlyList<BotRecoveryTotals> totals) =>
        _bots.Zip(totals).Where(p => p.Second.InRoomAtEnd && p.First.Client.Endpoint is not null).Select(p => p.First.Client.Endpoint!);

    public long AcksNotTimed()
    {
        lock (_gate)
        {
            return _retired.AcksNotTimed + _bots.Sum(b => b.AcksNotTimed);
        }
    }

    /// <summary>Slots whose player (the current one, or one replaced in the window) got acks in the window.</summary>
    public int PlayersAckedInWindow()
    {
        if (!_windowStarted)
        {
            return 0;
        }
        lock (_gate)
        {
            return _bots.Count(b => (b.Joined && b.InputsAcked > b.InputsAckedAtWindowStart) || _retired.AckedInWindow.Contains(b.Index));
        }
    }

    public int RoomsJoined()
    {
        lock (_gate)
        {
            return _bots.Where(b => b.RoomId is not null).Select(b => b.RoomId!).Concat(_retired.Rooms).Distinct(StringComparer.Ordinal).Count();
        }
    }

    /// <summary>Closes every connection at once, each bounded; closes started here are not errors.</summary>
    public Task CloseAllAsync(TimeSpan timeoutEach) => Task.WhenAll(_bots.Select(b => b.CloseAsync(timeoutEach)));

    /// <summary>--churn: every player leaves (Leave, then close), so the server frees the seats at once and the rooms can close.</summary>
    public Task LeaveAllAsync(TimeSpan timeoutEach) => Task.WhenAll(_bots.Select(b => b.LeaveAsync(timeoutEach)));

    /// <summary>Independent, reproducible per-bot seeds (SplitMix64 of the run seed and the index).</summary>
    public static int DeriveSeed(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32) + (ulong)index + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    /// <summary>What the replaced bots counted. Guarded by the fleet's lock.</summary>
    private sealed class Retired
    {
        public long InputsSent;
        public long InputsAcked;
        public long Snapshots;
        public long WireBytes;
        public long Deltas;
        public long KeyframeRequests;
        public long GameEvents;
        public long SkippedSends;
        public long Unmeasurable;
        public long InputsDropped;
        public long InputsRolledBack;
        public long AcksNotTimed;
        public int Errored;
        public List<BotRecoveryTotals> Recovery { get; } = [];

        /// <summary>The recovery of replaced bots that the window's rates divide by; kept for their outage time.</summary>
        public List<BotRecovery> WindowRecovery { get; } = [];

        /// <summary>Slots whose replaced bot got acks in the window.</summary>
        public HashSet<int> AckedInWindow { get; } = [];

        public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

        public void Add(Bot bot, BotRecoveryTotals recovery, bool windowStarted)
        {
            InputsSent += bot.InputsSent;
            InputsAcked += bot.InputsAcked;
            Snapshots += bot.Snapshots;
            WireBytes += bot.Client.WireBytesReceived;
            Deltas += bot.Deltas;
            KeyframeRequests += bot.KeyframeRequests;
            GameEvents += bot.GameEvents;
            SkippedSends += bot.SkippedSends;
            Unmeasurable += bot.Unmeasurable;
            InputsDropped += bot.InputsDropped;
            InputsRolledBack += bot.InputsRolledBack;
            AcksNotTimed += bot.AcksNotTimed;
            Errored += bot.Errored ? 1 : 0;
            Recovery.Add(recovery);
            if (bot.InRoomAtWindowStart)
            {
                WindowRecovery.Add(bot.Recovery);
            }
            if (windowStarted && bot.Joined && bot.InputsAcked > bot.InputsAckedAtWindowStart)
            {
                AckedInWindow.Add(bot.Index);
            }
            if (bot.RoomId is { } room)
            {
                Rooms.Add(room);
            }
        }
    }
}

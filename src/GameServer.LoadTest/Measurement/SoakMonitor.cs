using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// --churn: samples the server's processes every --sample-every in the background (the 1 s loop never waits on HTTP),
/// adds their figures up, and after the players left waits for the rooms to close. <see cref="Summarize"/> turns the
/// samples into growth figures over the measurement window.
/// </summary>
internal sealed class SoakMonitor : IDisposable
{
    public const string ClosedPhase = "closed";

    private static readonly TimeSpan s_closePoll = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http = ResourceReader.CreateHttpClient();
    private readonly ResourceReader[] _readers;
    private readonly TimeSpan _every;
    private readonly long _startedAt;
    private readonly Func<(int LiveRooms, int Players)> _players;
    private readonly object _gate = new();
    private readonly List<ResourceSample> _samples = [];
    private volatile string _phase = "ramp";

    /// <param name="startedAt">The run's start (Stopwatch ticks): samples are stamped in seconds since.</param>
    /// <param name="players">Rooms with a seated player, and players seated, now (the players' view).</param>
    public SoakMonitor(IReadOnlyList<WatchedProcess> processes, TimeSpan every, long startedAt, Func<(int LiveRooms, int Players)> players)
    {
        _readers = [.. processes.Select(p => new ResourceReader(p, _http))];
        _every = every;
        _startedAt = startedAt;
        _players = players;
    }

    public IReadOnlyList<WatchedProcess> Processes => [.. _readers.Select(r => r.Process)];

    public IReadOnlyList<ResourceSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The run's phase, stamped on the samples that follow.</summary>
    public void SetPhase(string phase) => _phase = phase;

    /// <summary>Samples now and then every --sample-every until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_every);
        try
        {
            do
            {
                Record(await ReadAsync(_phase, stop).ConfigureAwait(false));
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// After every player left: polls until no room is open (room grain activations, or the server's open-room count
    /// where activations are not exported) or <paramref name="timeout"/>, then records a last sample. Returns how long
    /// the rooms took to close, or null when some were still open (or the server does not say).
    /// </summary>
    public async Task<double?> WaitForRoomsToCloseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Clock.Now;
        double? closedAfter = null;
        ResourceSample sample;
        while (true)
        {
            sample = await ReadAsync(ClosedPhase, cancellationToken).ConfigureAwait(false);
            var open = sample.RoomActivations ?? sample.RoomsOpen;
            var waited = Clock.Seconds(Clock.Now - started);
            if (open == 0)
            {
                closedAfter = Math.Round(waited, 1);
                break;
            }
            if (open is null || waited >= timeout.TotalSeconds || cancellationToken.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await Task.Delay(s_closePoll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Record(sample);
        return closedAfter;
    }

    /// <summary>The soak's figures: growth from the first fifth of the window's samples to its last fifth.</summary>
    public SoakSummary Summarize(LoadTestOptions options, long leaves, long drops, long replacementsFailed, double? roomsClosedAfterSeconds)
    {
        var samples = Samples;
        var window = samples.Where(s => s.Phase == "measure").ToList();
        var closed = samples.LastOrDefault(s => s.Phase == ClosedPhase);
        var otherAtStart = window.Select(OtherActivations).FirstOrDefault(v => v is not null);
        var otherAtEnd = closed is null ? null : OtherActivations(closed);
        return new SoakSummary
        {
            MatchMinSeconds = options.MatchMin.TotalSeconds,
            MatchMaxSeconds = options.MatchMax.TotalSeconds,
            DropShare = options.DropShare,
            SampleEverySeconds = _every.TotalSeconds,
            Processes = [.. _readers.Select(r => r.Process.ToString())],
            Leaves = leaves,
            Drops = drops,
            ReplacementsFailed = replacementsFailed,
            Samples = samples,
            RssMb = GrowthMath.Growth(window.Select(s => s.RssMb)),
            GcHeapMb = GrowthMath.Growth(window.Select(s => s.GcHeapMb)),
            OpenHandles = GrowthMath.Growth(window.Select(s => (double?)s.OpenHandles)),
            Threads = GrowthMath.Growth(window.Select(s => (double?)s.Threads)),
            RoomsOpenAfterPlayersLeft = closed is null ? null : closed.RoomActivations ?? closed.RoomsOpen,
            RoomsClosedAfterSeconds = roomsClosedAfterSeconds,
            OtherActivations = otherAtStart is null && otherAtEnd is null ? null : new GrowthFigure(otherAtStart, otherAtEnd, GrowthMath.Percent(otherAtStart, otherAtEnd)),
        };
    }

    private static double? OtherActivations(ResourceSample s) => s.Activations is { } all ? all - (s.RoomActivations ?? 0) : null;

    private void Record(ResourceSample sample)
    {
        lock (_gate)
        {
            _samples.Add(sample);
        }
    }

    private async Task<ResourceSample> ReadAsync(string phase, CancellationToken cancellationToken)
    {
        var (liveRooms, players) = _players();
        var at = Math.Round(Clock.Seconds(Clock.Now - _startedAt), 1);
        var all = await Task.WhenAll(_readers.Select(r => r.ReadAsync(cancellationToken))).ConfigureAwait(false);
        return new ResourceSample(at, phase,
            Add(all.Select(p => p.RssMb)), Add(all.Select(p => p.GcHeapMb)), Add(all.Select(p => p.Gen2Collections)),
            (int?)Add(all.Select(p => (double?)p.Threads)), (int?)Add(all.Select(p => (double?)p.OpenHandles)),
            Add(all.Select(p => p.Activations)), Add(all.Select(p => p.RoomActivations)), Add(all.Select(p => p.RoomsOpen)),
            liveRooms, players);
    }

    /// <summary>The sum of the processes that gave the figure; null when none did.</summary>
    private static double? Add(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var value in values)
        {
            if (value is { } v)
            {
                sum = (sum ?? 0) + v;
            }
        }
        return sum is { } s ? Math.Round(s, 1) : null;
    }

    public void Dispose() => _http.Dispose();
}

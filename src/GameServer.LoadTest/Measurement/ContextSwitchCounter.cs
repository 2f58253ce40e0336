namespace GameServer.LoadTest.Measurement;

/// <summary>
/// A whole process's context switches, from its threads' counts. The kernel counts per thread, and
/// /proc/&lt;pid&gt;/status shows only the main thread's, which in a .NET server sleeps in the host's run loop; so the
/// sampler reads every thread's /proc/&lt;pid&gt;/task/&lt;tid&gt;/status and this adds up each thread's increase since
/// the previous read. A thread created since then counts whole (its counts start at 0). A thread that exits between
/// two reads takes its last increase with it: at 1 s sampling that is under a second of one retiring thread-pool
/// thread, which is why the sum of live threads' counts is not used directly (it would drop whole histories, and
/// could even go down).
/// </summary>
internal sealed class ContextSwitchCounter
{
    private Dictionary<int, ContextSwitches> _lastByThread = [];
    private bool _hasBaseline;

    /// <summary>Switches counted since the first <see cref="Add"/>, which only sets the baseline.</summary>
    public ContextSwitches Total { get; private set; }

    /// <param name="threads">Every live thread's counts now, by thread id.</param>
    /// <returns>The new <see cref="Total"/>.</returns>
    public ContextSwitches Add(IEnumerable<KeyValuePair<int, ContextSwitches>> threads)
    {
        ArgumentNullException.ThrowIfNull(threads);
        var now = new Dictionary<int, ContextSwitches>(_lastByThread.Count);
        var total = Total;
        foreach (var (threadId, counts) in threads)
        {
            now[threadId] = counts;
            if (!_hasBaseline)
            {
                continue;
            }
            // A count below the last one means the thread id was reused by a new thread: count that thread whole.
            var since = _lastByThread.TryGetValue(threadId, out var last) && counts.Voluntary >= last.Voluntary && counts.Nonvoluntary >= last.Nonvoluntary
                ? last
                : default;
            total += counts - since;
        }
        _lastByThread = now;
        _hasBaseline = true;
        Total = total;
        return total;
    }
}

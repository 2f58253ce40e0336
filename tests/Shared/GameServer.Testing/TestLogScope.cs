using System.Reflection;

namespace GameServer.Testing;

/// <summary>
/// The log guard's view of the running test (set by <see cref="CheckLogsAttribute"/>): the hosts it used, what it
/// allows, and since when. Hosts a test starts watch themselves; a fixture's shared host is watched when a test reads
/// it, from the test's start. When the test ends, every entry its hosts logged meanwhile must be a known Orleans note
/// or match an <see cref="AllowLogAttribute"/> of the test (or an <see cref="Allow(string, int, string)"/> call).
/// </summary>
public sealed class TestLogScope
{
    private static readonly AsyncLocal<TestLogScope?> s_current = new();

    private readonly List<HostLog> _watched = [];
    private readonly List<AllowLogAttribute> _allowed;

    private TestLogScope(MethodInfo test)
    {
        Test = $"{test.DeclaringType?.Name}.{test.Name}";
        _allowed =
        [
            .. test.DeclaringType?.GetCustomAttributes<AllowLogAttribute>() ?? [],
            .. test.GetCustomAttributes<AllowLogAttribute>(),
        ];
    }

    /// <summary>The running test's scope, if its class (or collection) has <see cref="CheckLogsAttribute"/>.</summary>
    public static TestLogScope? Current => s_current.Value;

    /// <summary>The running test's scope; throws if the test is not guarded, so no host runs unwatched.</summary>
    public static TestLogScope Required => s_current.Value ?? throw new InvalidOperationException(
        "This test starts or uses a host, but its log is not checked: put [CheckLogs] on the test class (or on its [CollectionDefinition] class).");

    /// <summary>e.g. <c>RateLimitTests.InputFlood_ClosesWith1008</c>.</summary>
    public string Test { get; }

    /// <summary>From the test's start.</summary>
    public long StartedAfter { get; } = HostLog.LatestSequence;

    /// <summary>Checks <paramref name="log"/>'s entries from this test's start when the test ends (once, however often called).</summary>
    public void Watch(HostLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        lock (_watched)
        {
            if (!_watched.Contains(log))
            {
                _watched.Add(log);
            }
        }
    }

    /// <summary>Allows an entry for the rest of this test, for cases an attribute cannot single out (one row of a theory).</summary>
    public void Allow(string category, int eventId, string why) => Add(new AllowLogAttribute(category, eventId, why));

    /// <inheritdoc cref="Allow(string, int, string)"/>
    public void Allow(string category, string messageContains, string why) => Add(new AllowLogAttribute(category, messageContains, why));

    internal static TestLogScope Begin(MethodInfo test)
    {
        var scope = new TestLogScope(test);
        s_current.Value = scope;
        return scope;
    }

    /// <summary>Ends the scope: throws <see cref="UnexpectedLogException"/> listing what its hosts logged unexpectedly.</summary>
    internal void End()
    {
        s_current.Value = null;
        var through = HostLog.LatestSequence;
        HostLog[] watched;
        lock (_watched)
        {
            watched = [.. _watched];
        }
        var unexpected = watched
            .SelectMany(log => log.Check(StartedAfter, through))
            .Where(entry => !HostLog.IsKnownNote(entry) && !IsAllowed(entry))
            .OrderBy(entry => entry.Sequence)
            .ToList();
        if (unexpected.Count > 0)
        {
            throw new UnexpectedLogException(
                $"{Test}: its hosts logged {unexpected.Count} unexpected warning(s) or error(s). Fix the cause, or if the test provokes one on purpose, "
                + "allow it on the test with [AllowLog(category, eventId or message fragment, why)] (docs/testing.md):\n  "
                + string.Join("\n  ", unexpected.Take(50))
                + (unexpected.Count > 50 ? $"\n  ... and {unexpected.Count - 50} more; all by kind:\n  " + ByKind(unexpected) : ""));
        }
    }

    private static string ByKind(IEnumerable<LogEntry> entries) => string.Join("\n  ", entries
        .GroupBy(e => (e.Level, e.Category, e.EventId))
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Count()} x {g.Key.Level} {g.Key.Category}[{g.Key.EventId}], first: {g.First().Message}"));

    private void Add(AllowLogAttribute allowance)
    {
        lock (_allowed)
        {
            _allowed.Add(allowance);
        }
    }

    private bool IsAllowed(LogEntry entry)
    {
        lock (_allowed)
        {
            return _allowed.Any(a => a.Matches(entry));
        }
    }
}

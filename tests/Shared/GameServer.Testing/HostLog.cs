using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace GameServer.Testing;

/// <summary>
/// The Warning, Error and Critical entries of one host (or of the processes of one cluster), for the log guard: an
/// <see cref="ILoggerProvider"/> for hosts in the test process, <see cref="AddConsoleLine"/> for the console output of
/// child processes. A test reads the entries logged while it ran through <see cref="TestLogScope.Watch"/>.
/// </summary>
public sealed partial class HostLog(string source) : ILoggerProvider
{
    private static long s_sequence;

    private readonly List<LogEntry> _entries = [];
    private readonly HashSet<long> _checked = [];
    private bool _stopped;

    /// <summary>e.g. <c>host</c>: where entries logged through the provider say they come from.</summary>
    public string Source { get; } = source;

    /// <summary>The sequence number of the latest entry of any host in this test run.</summary>
    public static long LatestSequence => Interlocked.Read(ref s_sequence);

    /// <summary>Every entry so far.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public void Add(LogLevel level, string category, int eventId, string message, string? source = null)
    {
        if (level < LogLevel.Warning || level == LogLevel.None)
        {
            return;
        }
        lock (_entries)
        {
            if (_stopped)
            {
                return;
            }
            // Numbered under the lock, so a host's entries are in sequence order.
            _entries.Add(new LogEntry(Interlocked.Increment(ref s_sequence), level, category, eventId, message, source ?? Source));
        }
    }

    /// <summary>
    /// Drops what is logged from now on: for a fixture about to kill its hosts with SIGKILL, whose survivors then log
    /// the others' sockets closing, which is the teardown's doing and not the test's.
    /// </summary>
    public void StopCollecting()
    {
        lock (_entries)
        {
            _stopped = true;
        }
    }

    /// <summary>
    /// Records <paramref name="line"/> if it is a warning or worse in the console logger's simple format
    /// (<c>[timestamp ]warn: Category[12] message</c>; <c>fail:</c>, <c>crit:</c>), or the runtime's report of an
    /// unhandled exception.
    /// </summary>
    public void AddConsoleLine(string line, string source)
    {
        if (ConsoleEntry().Match(line) is { Success: true } entry)
        {
            var level = entry.Groups["level"].Value switch
            {
                "warn" => LogLevel.Warning,
                "fail" => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            Add(level, entry.Groups["category"].Value, int.Parse(entry.Groups["id"].Value, CultureInfo.InvariantCulture), entry.Groups["message"].Value, source);
        }
        else if (line.StartsWith("Unhandled exception.", StringComparison.Ordinal))
        {
            Add(LogLevel.Critical, "(runtime)", 0, line, source);
        }
    }

    /// <summary>The entries numbered after <paramref name="after"/> up to <paramref name="through"/>, marked as seen by a test.</summary>
    internal IReadOnlyList<LogEntry> Check(long after, long through)
    {
        lock (_entries)
        {
            var window = _entries.Where(e => e.Sequence > after && e.Sequence <= through).ToList();
            foreach (var entry in window)
            {
                _checked.Add(entry.Sequence);
            }
            return window;
        }
    }

    /// <summary>
    /// For a host shared by several tests, when it is disposed: fails if it logged an unexpected entry no test's window
    /// covered (between two tests, or while it shut down).
    /// </summary>
    public void AssertNoUncheckedEntries()
    {
        List<LogEntry> unseen;
        lock (_entries)
        {
            unseen = _entries.Where(e => !_checked.Contains(e.Sequence) && !IsKnownNote(e)).ToList();
        }
        if (unseen.Count > 0)
        {
            throw new UnexpectedLogException(
                $"The shared {Source} logged {unseen.Count} unexpected warning(s) or error(s) outside any test (between tests or while shutting down):\n  "
                + string.Join("\n  ", unseen));
        }
    }

    /// <summary>
    /// Orleans' own start-up notes, the same on every silo and in every test: the advice to use server GC (the hosts run
    /// workstation GC on purpose: every CPU figure in docs/performance.md is measured with it), and the watchdog's first
    /// check, which reports the time since the machine booted instead of a stall: longer than this test process has
    /// existed (and so than any host it started), so it cannot be one. A real stall is shorter than that and still counts.
    /// And a race in Orleans' silo shutdown: a stopping silo takes itself out of its grain directory's ring, then its
    /// directory hand-off asks for its own successor and Orleans warns that the silo is not a member (seen now and then
    /// as a test stops its host; nothing is lost, and Orleans offers no setting to avoid it).
    /// And the silo's report of a short thread-pool stall (under <see cref="MachineStallLimit"/>), and the health score it
    /// lowers for it: on a 2-core CI machine running builds and other test processes beside the host, the whole process
    /// is now and then not scheduled for a second (seen once in CI, 1.05 s). A longer stall still fails the test: that
    /// is the size of stall blocking code in the server would cause.
    /// </summary>
    public static bool IsKnownNote(LogEntry entry) =>
        entry is { Level: LogLevel.Warning, Category: "Orleans.Runtime.Silo", EventId: 100405 } && entry.Message.StartsWith("Note: ", StringComparison.Ordinal)
        || entry is { Level: LogLevel.Warning, Category: "Orleans.Runtime.GrainDirectory.LocalGrainDirectory", EventId: 100203 }
        || entry is { Level: LogLevel.Warning, Category: "Orleans.Runtime.Watchdog", EventId: 100150 }
            && WatchdogStall().Match(entry.Message) is { Success: true } stall
            && TimeSpan.TryParse(stall.Groups[1].Value, CultureInfo.InvariantCulture, out var stalledFor)
            && stalledFor > DateTime.Now - Process.GetCurrentProcess().StartTime
        || entry is { Level: LogLevel.Warning, Category: "Orleans.Runtime.MembershipService.LocalSiloHealthMonitor", EventId: 86528487 or 1961930485 }
            && ThreadPoolStall().Match(entry.Message) is { Success: true } poolStall
            && double.TryParse(poolStall.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && TimeSpan.FromSeconds(seconds) < MachineStallLimit;

    /// <summary>The longest thread-pool stall the log guard takes for the machine's doing rather than the server's.</summary>
    public static readonly TimeSpan MachineStallLimit = TimeSpan.FromSeconds(3);

    [GeneratedRegex(@"^(?:\S+ )?(?<level>warn|fail|crit): (?<category>[^\s\[]+)\[(?<id>-?\d+)\]\s?(?<message>.*)$")]
    private static partial Regex ConsoleEntry();

    [GeneratedRegex(@"^Participant check thread has not completed for ([\d.:]+),")]
    private static partial Regex WatchdogStall();

    [GeneratedRegex(@"Thread Pool execution stalled for ([\d.]+)s\.")]
    private static partial Regex ThreadPoolStall();

    private sealed class Logger(HostLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var message = formatter(state, exception);
                log.Add(logLevel, category, eventId.Id, exception is null ? message : $"{message} {exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}

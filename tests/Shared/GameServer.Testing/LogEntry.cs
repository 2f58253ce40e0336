using Microsoft.Extensions.Logging;

namespace GameServer.Testing;

/// <summary>One Warning, Error or Critical a host logged, as the log guard saw it.</summary>
/// <param name="Sequence">Order among every entry of every host in this test run (a test's window is a range of these).</param>
/// <param name="Source">Which host: e.g. <c>host</c> for an in-process one, <c>silo-1</c> for a child process.</param>
public sealed record LogEntry(long Sequence, LogLevel Level, string Category, int EventId, string Message, string Source)
{
    public override string ToString() => $"{Level} {Category}[{EventId}] ({Source}): {Message}";
}

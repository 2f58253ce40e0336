using System.Collections.Concurrent;
using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Where the players were, per edge (each --url): which edge each first connected to, drops from each, reconnects that
/// landed on each. With the players seated at the end, it shows an edge failure's players moving to the others.
/// </summary>
internal sealed class EdgeLog
{
    private readonly ConcurrentDictionary<string, Counters> _edges = new(StringComparer.Ordinal);

    /// <summary>A player's first connection answered at <paramref name="edge"/>.</summary>
    public void Connected(Uri edge) => Interlocked.Increment(ref For(edge).Connected);

    /// <summary>A seated player's connection to <paramref name="edge"/> dropped.</summary>
    public void Dropped(Uri edge) => Interlocked.Increment(ref For(edge).Drops);

    /// <summary>A player reconnected, and <paramref name="edge"/> answered.</summary>
    public void ReconnectedTo(Uri edge) => Interlocked.Increment(ref For(edge).ReconnectsIn);

    /// <summary>
    /// One entry per edge, in <paramref name="urls"/> order (edges nobody reached included, with zeros), then any other
    /// edge the players were sent to; <paramref name="seatedAtEnd"/> is the edge of each player in a room at the end.
    /// </summary>
    public IReadOnlyList<EdgeSummary> Summarize(IReadOnlyList<Uri> urls, IEnumerable<Uri> seatedAtEnd)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(seatedAtEnd);
        var atEnd = seatedAtEnd.GroupBy(Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var keys = urls.Select(Key).Concat(_edges.Keys.Order(StringComparer.Ordinal)).Concat(atEnd.Keys).Distinct(StringComparer.Ordinal);
        return [.. keys.Select(key =>
        {
            var counters = _edges.GetValueOrDefault(key) ?? new Counters();
            return new EdgeSummary(key, Interlocked.Read(ref counters.Connected), Interlocked.Read(ref counters.Drops),
                Interlocked.Read(ref counters.ReconnectsIn), atEnd.GetValueOrDefault(key));
        })];
    }

    private Counters For(Uri edge) => _edges.GetOrAdd(Key(edge), _ => new Counters());

    private static string Key(Uri edge) => edge.GetLeftPart(UriPartial.Path);

    private sealed class Counters
    {
        public long Connected;
        public long Drops;
        public long ReconnectsIn;
    }
}

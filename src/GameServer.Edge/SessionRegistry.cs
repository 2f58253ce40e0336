using System.Collections.Concurrent;

namespace GameServer.Edge;

/// <summary>The edge's open player connections, so a draining edge can close them with 4003 and idle ones can be found.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<PlayerSession, byte> _sessions = new();

    public int Count => _sessions.Count;

    public ICollection<PlayerSession> All => _sessions.Keys;

    public void Add(PlayerSession session) => _sessions.TryAdd(session, 0);

    public void Remove(PlayerSession session) => _sessions.TryRemove(session, out _);

    /// <summary>
    /// Closes every connection with 4003, then waits up to <paramref name="bound"/> for those that need it to be gone
    /// (hub connections: see <see cref="PlayerConnection.Drained"/>). Runs as the host starts stopping.
    /// </summary>
    public void DrainAll(TimeSpan bound)
    {
        var drained = _sessions.Keys.Select(session => session.CloseForDrain()).Where(t => !t.IsCompleted).ToArray();
        if (drained.Length > 0)
        {
            Task.WaitAll(drained, bound);
        }
    }
}

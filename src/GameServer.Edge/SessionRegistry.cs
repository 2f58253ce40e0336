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

    public void DrainAll()
    {
        foreach (var session in _sessions.Keys)
        {
            session.CloseForDrain();
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameServer.Edge;

/// <summary>The edge's links to rooms that have at least one local player; a link lives while it has players.</summary>
internal sealed class RoomLinks
{
    private readonly IGrainFactory _grains;
    private readonly EdgeOptions _options;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<RoomLink> _logger;
    private readonly Dictionary<string, RoomLink> _links = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public RoomLinks(IGrainFactory grains, IOptions<EdgeOptions> options, EdgeMetrics metrics, ILogger<RoomLink> logger)
    {
        _grains = grains;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>Adds a session to the room's link, creating and subscribing the link if it is the first.</summary>
    public async Task<RoomLink> AttachAsync(string roomId, TimeSpan tickInterval, int snapshotEveryTicks, PlayerSession session)
    {
        RoomLink? link;
        lock (_gate)
        {
            if (!_links.TryGetValue(roomId, out link))
            {
                link = new RoomLink(roomId, tickInterval, snapshotEveryTicks, _grains, _options, _metrics, _logger);
                _links.Add(roomId, link);
                _metrics.RoomLinked();
            }
            link.Add(session);
        }
        try
        {
            await link.EnsureSubscribedAsync().ConfigureAwait(false);
        }
        catch
        {
            Detach(link, session);
            throw;
        }
        return link;
    }

    /// <summary>Removes a session; the last one out disposes the link (flushing its inputs, unsubscribing).</summary>
    public void Detach(RoomLink link, PlayerSession session)
    {
        lock (_gate)
        {
            if (link.Remove(session) > 0)
            {
                return;
            }
            if (_links.TryGetValue(link.RoomId, out var current) && current == link)
            {
                _links.Remove(link.RoomId);
                _metrics.RoomUnlinked();
            }
        }
        link.Dispose();
    }

    public RoomLink[] Snapshot()
    {
        lock (_gate)
        {
            return _links.Values.ToArray();
        }
    }
}

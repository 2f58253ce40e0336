namespace GameServer.Edge;

/// <summary>
/// The room seat a connection holds, if any: the room's link, the entity and the seat's generation. The receive loop
/// reads it for every input while the room link's callbacks (renewals, takeover, room closed) read and drop it from
/// other threads, hence the lock; every change of room goes through here.
/// </summary>
internal sealed class SessionSeat
{
    private readonly Lock _gate = new();
    private RoomLink? _link;
    private int _entityId;
    private int _generation;

    public string? RoomId
    {
        get
        {
            lock (_gate)
            {
                return _link?.RoomId;
            }
        }
    }

    /// <summary>Where an input goes: the link (null when not in a room), the entity it is for and the seat's generation.</summary>
    public (RoomLink? Link, int EntityId, int Generation) ForInput()
    {
        lock (_gate)
        {
            return (_link, _entityId, _generation);
        }
    }

    /// <summary>Records the seat the room gave, before its link is attached: the link's first renewal already vouches for it.</summary>
    public void Seat(int entityId, int generation, int view = 0)
    {
        lock (_gate)
        {
            _entityId = entityId;
            _generation = generation;
            // Read without the lock for every snapshot: the seat is set before its link delivers any.
            Volatile.Write(ref _snapshotView, view);
            Volatile.Write(ref _snapshotEntity, entityId);
        }
    }

    private int _snapshotView;
    private int _snapshotEntity;

    /// <summary>The view and entity snapshots are picked for (the last seat taken).</summary>
    public (int View, int EntityId) ForSnapshots => (Volatile.Read(ref _snapshotView), Volatile.Read(ref _snapshotEntity));

    /// <summary>The link to the seat's room is up: inputs flow from now on.</summary>
    public void Attach(RoomLink link)
    {
        lock (_gate)
        {
            _link = link;
        }
    }

    /// <summary>The entity and generation, when the seat is in the room behind <paramref name="link"/>.</summary>
    public (int EntityId, int Generation)? SeatIn(RoomLink link)
    {
        lock (_gate)
        {
            return _link == link ? (_entityId, _generation) : null;
        }
    }

    /// <summary>Drops <paramref name="link"/> if it is still the one held (the room closed, or the seat moved on); false if not.</summary>
    public bool TryDetach(RoomLink link)
    {
        lock (_gate)
        {
            if (_link != link)
            {
                return false;
            }
            _link = null;
            return true;
        }
    }

    /// <summary>Drops whatever link is held, for a leave or a disconnect, and says which it was; null if none.</summary>
    public (RoomLink Link, int EntityId, int Generation)? Detach()
    {
        lock (_gate)
        {
            var link = _link;
            _link = null;
            return link is null ? null : (link, _entityId, _generation);
        }
    }
}

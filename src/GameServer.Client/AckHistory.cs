namespace GameServer.Client;

/// <summary>
/// This player's ack in the recent snapshots, by tick, so that when a room comes back from a checkpoint the client can
/// tell which acknowledged inputs the checkpoint did not have. The restored room's own first ack cannot say: it may
/// already cover inputs sent while the room was down. Used by the receive loop only (no locking).
/// </summary>
internal sealed class AckHistory
{
    // 256 snapshots: 12.8 s at 20 Hz, well past the default 1 s checkpoint interval.
    private const int Capacity = 256;
    private readonly long[] _ticks = new long[Capacity];
    private readonly uint[] _acks = new uint[Capacity];
    private int _newest = -1;
    private int _count;

    public void Record(long tick, uint ack)
    {
        _newest = (_newest + 1) % Capacity;
        _ticks[_newest] = tick;
        _acks[_newest] = ack;
        _count = Math.Min(_count + 1, Capacity);
    }

    /// <summary>
    /// The ack of the newest snapshot at or before <paramref name="tick"/>, or null when the history does not reach back
    /// that far. Entries after <paramref name="tick"/> are then forgotten: the room went back to it, so they never
    /// happened.
    /// </summary>
    public uint? RewindTo(long tick)
    {
        while (_count > 0 && _ticks[_newest] > tick)
        {
            _newest = (_newest - 1 + Capacity) % Capacity;
            _count--;
        }
        return _count > 0 ? _acks[_newest] : null;
    }

    public void Clear()
    {
        _newest = -1;
        _count = 0;
    }
}

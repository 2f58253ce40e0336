namespace GameServer.LoadTest.Bots;

/// <summary>
/// Send times of a player's last <see cref="Capacity"/> inputs, indexed by sequence number: bounded memory however far
/// acks fall behind. Written by the send loop, read by the receive thread; an input older than the ring is unmeasurable.
/// </summary>
internal sealed class SendTimeRing
{
    public const int Capacity = 256;
    private const int Mask = Capacity - 1;

    private readonly long[] _sentAt = new long[Capacity];
    private readonly uint[] _seqs = new uint[Capacity];

    public void Record(uint seq, long timestamp)
    {
        var slot = (int)(seq & Mask);
        _sentAt[slot] = timestamp;
        Volatile.Write(ref _seqs[slot], seq); // publishes the time written just before
    }

    /// <summary>The send time of <paramref name="seq"/>, unless it was overwritten by a newer input or never sent.</summary>
    public bool TryGet(uint seq, out long timestamp)
    {
        var slot = (int)(seq & Mask);
        if (seq != 0 && Volatile.Read(ref _seqs[slot]) == seq)
        {
            timestamp = _sentAt[slot];
            return true;
        }
        timestamp = 0;
        return false;
    }
}

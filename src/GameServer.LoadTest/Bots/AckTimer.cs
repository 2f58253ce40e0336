using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// Input→ack timing of one player: the send loop records each input's send time, the receive thread turns each new
/// ack into one latency sample per input it covers. Inputs whose wait spanned an outage are counted, not timed, so a
/// drop, a stall or a room restore never reads as latency.
/// </summary>
internal sealed class AckTimer
{
    private readonly SendTimeRing _sendTimes = new();
    private uint _lastMeasuredSeq;
    private long _lastAckAt;
    private long _timed;
    private long _notTimed;
    private long _unmeasurable;

    /// <summary>Inputs whose input→ack latency was recorded.</summary>
    public long Timed => Interlocked.Read(ref _timed);

    /// <summary>Acked inputs sent before an outage ended (see <see cref="BotRecovery.LatencyFence"/>), left out of the latency.</summary>
    public long NotTimed => Interlocked.Read(ref _notTimed);

    /// <summary>Acked inputs whose send time had already left the ring (acks over <see cref="SendTimeRing.Capacity"/> inputs behind).</summary>
    public long Unmeasurable => Interlocked.Read(ref _unmeasurable);

    /// <summary>Send loop: input <paramref name="seq"/> goes out at <paramref name="sentAt"/>.</summary>
    public void Sent(uint seq, long sentAt) => _sendTimes.Record(seq, sentAt);

    /// <summary>
    /// Receive thread: the player's ack advanced to <paramref name="ack"/> at <paramref name="now"/>. Every input from the
    /// last ack + 1 up to it gets a sample from its own send time, unless it was sent before <paramref name="fence"/> or
    /// <paramref name="untimed"/> (read while reconnecting). An ack at or below the last one (a restored room's goes back
    /// to its checkpoint's) changes nothing: the next ack above it covers the inputs in between.
    /// </summary>
    /// <returns>The samples recorded.</returns>
    public int Acked(uint ack, long now, long fence, bool untimed, MicrosecondRecorder latency)
    {
        long from = (long)_lastMeasuredSeq + 1;
        if (ack < from)
        {
            return 0;
        }
        var outageSinceLastAck = fence > _lastAckAt;
        _lastAckAt = now;
        if (ack - from >= SendTimeRing.Capacity)
        {
            var skipped = ack - from + 1 - SendTimeRing.Capacity;
            // A leap past the ring right after an outage is the outage's backlog, not acks falling behind.
            Interlocked.Add(ref outageSinceLastAck ? ref _notTimed : ref _unmeasurable, skipped);
            from = ack - SendTimeRing.Capacity + 1;
        }
        var measured = 0;
        for (var seq = from; seq <= ack; seq++)
        {
            if (!_sendTimes.TryGet((uint)seq, out var sentAt))
            {
                Interlocked.Increment(ref _unmeasurable);
            }
            else if (untimed || sentAt < fence)
            {
                Interlocked.Increment(ref _notTimed);
            }
            else
            {
                latency.RecordTicks(now - sentAt);
                measured++;
            }
        }
        _lastMeasuredSeq = ack;
        Interlocked.Add(ref _timed, measured);
        return measured;
    }

    /// <summary>The player got a new seat (a new entity): its input sequence starts again at 1.</summary>
    public void Restart() => _lastMeasuredSeq = 0;
}

namespace GameServer.Client;

/// <summary>
/// Notices a half-open connection (an edge that froze, a path that died without a reset) on every platform, Unity's
/// Mono and IL2CPP included, where <c>ClientWebSocket</c> has no pong deadline. In a room snapshots arrive many times a
/// second, so silence itself is the signal: after <c>interval</c> of it the client sends a protocol <c>Ping</c> (an idle
/// connection outside a room gets its <c>Pong</c>), and after <c>interval + timeout</c> it declares the peer dead.
/// <see cref="Check"/> is driven by a timer in the client and directly by tests.
/// </summary>
internal sealed class DeadPeerWatchdog
{
    private readonly long _intervalTicks;
    private readonly long _deadAfterTicks;
    private readonly Action _sendPing;
    private readonly Action _declareDead;
    private long _lastReceivedTicks;
    private long _lastPingTicks;
    private int _dead;

    /// <param name="interval">Silence after which a Ping is sent; zero turns the watchdog off.</param>
    /// <param name="timeout">Further silence after which the peer is dead; zero only pings.</param>
    /// <param name="now">The clock's reading at the start: the connection counts as just heard from.</param>
    /// <param name="sendPing">Sends a protocol Ping (must not block).</param>
    /// <param name="declareDead">Aborts the connection; called once.</param>
    public DeadPeerWatchdog(TimeSpan interval, TimeSpan timeout, TimeSpan now, Action sendPing, Action declareDead)
    {
        _intervalTicks = interval.Ticks;
        _deadAfterTicks = timeout > TimeSpan.Zero ? interval.Ticks + timeout.Ticks : long.MaxValue;
        _sendPing = sendPing;
        _declareDead = declareDead;
        _lastReceivedTicks = now.Ticks;
        _lastPingTicks = now.Ticks;
    }

    public bool IsEnabled => _intervalTicks > 0;

    /// <summary>How often the client should call <see cref="Check"/>.</summary>
    public TimeSpan CheckEvery => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, _intervalTicks / 4));

    public bool DeclaredDead => Volatile.Read(ref _dead) != 0;

    /// <summary>A frame arrived: the peer is alive. Called for every frame, so it only stores a number.</summary>
    public void MarkReceived(TimeSpan now) => Volatile.Write(ref _lastReceivedTicks, now.Ticks);

    public void Check(TimeSpan now)
    {
        if (!IsEnabled || DeclaredDead)
        {
            return;
        }
        var quiet = now.Ticks - Volatile.Read(ref _lastReceivedTicks);
        if (quiet >= _deadAfterTicks)
        {
            if (Interlocked.Exchange(ref _dead, 1) == 0)
            {
                _declareDead();
            }
            return;
        }
        if (quiet >= _intervalTicks && now.Ticks - _lastPingTicks >= _intervalTicks)
        {
            _lastPingTicks = now.Ticks;
            _sendPing();
        }
    }
}

using System.Diagnostics;
using GameServer.Protocol.Arena;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// What a simulated player sends and when (WORKLOAD.md): every send interval with ±2.5 ms uniform jitter, starting at a
/// random phase within one interval, a direction that random-walks by up to ±0.2 per axis per input.
/// </summary>
internal sealed class InputSchedule
{
    /// <summary>WORKLOAD.md: ±2.5 ms uniform jitter per send interval.</summary>
    private const double JitterSeconds = 0.0025;

    private readonly Random _random;
    private readonly long _intervalTicks;
    private readonly long _jitterTicks;
    private readonly long _phaseTicks;
    private float _dx;
    private float _dy;

    /// <param name="random">This player's own generator (seeded per player, so a run can be repeated).</param>
    public InputSchedule(double inputRateHz, Random random)
    {
        _random = random;
        var interval = 1.0 / inputRateHz;
        _intervalTicks = (long)(interval * Stopwatch.Frequency);
        _jitterTicks = (long)(Math.Min(JitterSeconds, interval / 4) * Stopwatch.Frequency);
        _phaseTicks = (long)(_random.NextDouble() * _intervalTicks);
    }

    /// <summary>When the next input is due, in <see cref="Stopwatch"/> ticks.</summary>
    public long NextSendAt { get; private set; }

    /// <summary>Starts the stream at this player's phase within one send interval.</summary>
    public void Start(long now) => NextSendAt = now + _phaseTicks;

    /// <summary>The input due now; moves the schedule on by one interval.</summary>
    public ArenaInput Next(long now)
    {
        // Next due time steps from the schedule, not from now, so the send loop's 5 ms granularity does not lower the
        // rate; after a stall it restarts from now instead of bursting.
        NextSendAt += _intervalTicks + (long)(((_random.NextDouble() * 2) - 1) * _jitterTicks);
        if (NextSendAt < now - _intervalTicks)
        {
            NextSendAt = now + _intervalTicks;
        }
        _dx = Math.Clamp(_dx + (float)((_random.NextDouble() * 0.4) - 0.2), -1f, 1f);
        _dy = Math.Clamp(_dy + (float)((_random.NextDouble() * 0.4) - 0.2), -1f, 1f);
        return new ArenaInput(_dx, _dy);
    }
}

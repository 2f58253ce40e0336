namespace GameServer.Simulation;

/// <summary>
/// A deterministic random source whose whole state is one number (<see cref="State"/>), so a game can save it in its
/// checkpoint and a restored room draws the same numbers the original would have. <see cref="Random"/> cannot do that:
/// its state is private. SplitMix64 (Steele, Lea, Flood 2014): fast, statistically sound for gameplay, not for secrets.
/// </summary>
public sealed class GameRandom
{
    private ulong _state;

    /// <summary>Starts from <paramref name="seed"/>: the same seed gives the same numbers.</summary>
    public GameRandom(int seed) => _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);

    private GameRandom(ulong state) => _state = state;

    /// <summary>Everything needed to continue the sequence: save it, and carry on with <see cref="FromState"/>.</summary>
    public ulong State => _state;

    /// <summary>Continues a sequence from a saved <see cref="State"/>.</summary>
    public static GameRandom FromState(ulong state) => new(state);

    /// <summary>64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Lemire's multiply-shift: no modulo bias worth measuring for game-sized ranges.
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }
}

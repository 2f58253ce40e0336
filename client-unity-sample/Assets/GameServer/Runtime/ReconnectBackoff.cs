#nullable enable
using System;

namespace GameServer.UnityClient
{
    /// <summary>
    /// The reconnect delay (docs/protocol.md §13): exponential backoff with full jitter. Before attempt n (0-based) wait a
    /// random time in <c>[0, min(max, initial × 2ⁿ))</c>; after a 4003 Draining close the first attempt comes within
    /// 250 ms, since the edge asked its players to move at once and their seats are waiting.
    /// </summary>
    public static class ReconnectBackoff
    {
        /// <summary>The ceiling of the first attempt after a Draining (4003) close, ms.</summary>
        public const int DrainDelayCapMs = 250;

        /// <summary>The largest delay before attempt <paramref name="attempt"/> (0-based), ms.</summary>
        public static double CeilingMs(int attempt, bool afterDrain, int initialDelayMs, int maxDelayMs)
        {
            if (attempt < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(attempt), attempt, "The attempt number starts at 0.");
            }
            // In double: initial × 2^attempt overflows an int after ~20 doublings; the cap makes the excess moot.
            var ceiling = Math.Min(maxDelayMs, initialDelayMs * Math.Pow(2, Math.Min(attempt, 62)));
            return afterDrain && attempt == 0 ? Math.Min(ceiling, DrainDelayCapMs) : ceiling;
        }

        /// <summary>A delay uniform in <c>[0, <see cref="CeilingMs"/>)</c>, ms.</summary>
        public static int DelayMs(int attempt, bool afterDrain, int initialDelayMs, int maxDelayMs, Random random)
        {
            if (random == null)
            {
                throw new ArgumentNullException(nameof(random));
            }
            return (int)(random.NextDouble() * CeilingMs(attempt, afterDrain, initialDelayMs, maxDelayMs));
        }
    }
}

using System;
using System.Diagnostics;
using System.Threading.Tasks;
using GameServer.Client;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Stands in for Unity's main loop: a "frame" every 10 ms drains each client's queued events, as the sample's
    /// <c>ArenaClient.Update</c> does, until a condition holds. Waits on conditions with a generous bound, never on fixed sleeps.
    /// </summary>
    internal static class GameLoop
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

        [ThreadStatic]
        private static bool t_draining;

        /// <summary>True while <see cref="Frame"/> is draining on this thread: where every event must be raised.</summary>
        public static bool IsDraining => t_draining;

        /// <summary>One frame: drain every client's events on this thread.</summary>
        public static void Frame(params GameClient[] clients)
        {
            t_draining = true;
            try
            {
                foreach (var client in clients)
                {
                    client.DrainEvents();
                }
            }
            finally
            {
                t_draining = false;
            }
        }

        /// <summary>Runs frames until <paramref name="condition"/> holds (checked after each frame), or throws after <see cref="Timeout"/>.</summary>
        public static async Task RunUntilAsync(Func<bool> condition, string what, params GameClient[] clients)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Frame(clients);
                if (condition())
                {
                    return;
                }
                if (clock.Elapsed > Timeout)
                {
                    throw new TimeoutException("Timed out after " + Timeout.TotalSeconds + " s waiting for: " + what + Describe(clients));
                }
                await Task.Delay(10);
            }
        }

        private static string Describe(GameClient[] clients)
        {
            var text = new System.Text.StringBuilder();
            foreach (var c in clients)
            {
                var room = c.Room;
                text.Append("\n  client: state ").Append(c.State)
                    .Append(", close ").Append(c.CloseStatus).Append(" '").Append(c.CloseStatusDescription).Append('\'')
                    .Append(", room ").Append(room == null ? "none" : room.RoomId + " entity " + room.EntityId)
                    .Append(", reconnects ").Append(c.Reconnects).Append(", resumes ").Append(c.Resumes)
                    .Append(", resume failures ").Append(c.ResumeFailures).Append(", last tick ").Append(c.LastTick)
                    .Append(", acked ").Append(c.LastAckedSeq).Append('/').Append(c.LastSentSeq)
                    .Append(", snapshots ").Append(c.SnapshotsReceived);
            }
            return text.ToString();
        }
    }
}

using System;
using System.Diagnostics;
using System.Threading.Tasks;
using GameServer.UnityClient;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Stands in for Unity's main loop: a "frame" every 10 ms drains each connection's events, as <c>Update</c> does in
    /// the sample, until a condition holds. Waits on conditions with a generous bound, never on fixed sleeps.
    /// </summary>
    internal static class GameLoop
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

        [ThreadStatic]
        private static bool t_draining;

        /// <summary>True while <see cref="Frame"/> is draining on this thread: where every event must be raised.</summary>
        public static bool IsDraining => t_draining;

        /// <summary>One frame: drain every connection's events on this thread.</summary>
        public static void Frame(params GameServerConnection[] connections)
        {
            t_draining = true;
            try
            {
                foreach (var connection in connections)
                {
                    connection.DrainEvents();
                }
            }
            finally
            {
                t_draining = false;
            }
        }

        /// <summary>Runs frames until <paramref name="condition"/> holds (checked after each frame), or throws after <see cref="Timeout"/>.</summary>
        public static Task RunUntilAsync(Func<bool> condition, string what, params GameServerConnection[] connections) =>
            RunUntilAsync(condition, what, Timeout, connections);

        public static async Task RunUntilAsync(Func<bool> condition, string what, TimeSpan timeout, params GameServerConnection[] connections)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Frame(connections);
                if (condition())
                {
                    return;
                }
                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException("Timed out after " + timeout.TotalSeconds + " s waiting for: " + what + Describe(connections));
                }
                await Task.Delay(10);
            }
        }

        private static string Describe(GameServerConnection[] connections)
        {
            var text = new System.Text.StringBuilder();
            foreach (var c in connections)
            {
                var room = c.Room;
                text.Append("\n  connection: state ").Append(c.State)
                    .Append(", close ").Append(c.CloseCode).Append(" '").Append(c.CloseReason).Append('\'')
                    .Append(", room ").Append(room == null ? "none" : room.RoomId + " entity " + room.EntityId)
                    .Append(", reconnects ").Append(c.Reconnects).Append(", resumes ").Append(c.Resumes)
                    .Append(", resume failures ").Append(c.ResumeFailures).Append(", last tick ").Append(c.LastTick)
                    .Append(", acked ").Append(c.LastAckedSeq).Append('/').Append(c.LastSentSeq)
                    .Append(", snapshots ").Append(c.SnapshotsReceived);
            }
            return text.ToString();
        }

        /// <summary>Runs frames for <paramref name="duration"/>, for asserting that something does NOT happen.</summary>
        public static async Task RunForAsync(TimeSpan duration, params GameServerConnection[] connections)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                Frame(connections);
                await Task.Delay(10);
            }
            Frame(connections);
        }
    }
}

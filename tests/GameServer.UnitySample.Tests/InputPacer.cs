using System.Diagnostics;
using GameServer.UnityClient;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Sends the arena input at 20 Hz from the test's game loop, like the sample's <c>Update</c>: called every frame, it
    /// sends only when 50 ms have passed (the edge allows 30 inputs/s and drops the excess).
    /// </summary>
    internal sealed class InputPacer
    {
        private readonly GameServerConnection _connection;
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private bool _sentAny;

        public InputPacer(GameServerConnection connection)
        {
            _connection = connection;
        }

        /// <summary>The last sequence number <see cref="GameServerConnection.SendInput(float, float)"/> returned that was not 0.</summary>
        public uint LastSeq { get; private set; }

        public void Frame(float dx, float dy)
        {
            if (_sentAny && _sinceLast.ElapsedMilliseconds < 50)
            {
                return;
            }
            _sentAny = true;
            _sinceLast.Restart();
            var seq = _connection.SendInput(dx, dy);
            if (seq != 0)
            {
                LastSeq = seq;
            }
        }
    }
}

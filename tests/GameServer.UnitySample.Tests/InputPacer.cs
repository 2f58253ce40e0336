using System.Diagnostics;
using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Sends the arena input at 20 Hz from the test's game loop, like the sample's <c>Update</c>: called every frame, it
    /// sends only when 50 ms have passed and the client is in a room (the edge allows 30 inputs/s and drops the excess).
    /// </summary>
    internal sealed class InputPacer
    {
        private readonly GameClient _client;
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private bool _sentAny;

        public InputPacer(GameClient client)
        {
            _client = client;
        }

        /// <summary>The last sequence number <see cref="GameClient.SendInputAsync"/> returned that was not 0.</summary>
        public uint LastSeq { get; private set; }

        public void Frame(float dx, float dy)
        {
            if (_client.Room == null || _sentAny && _sinceLast.ElapsedMilliseconds < 50)
            {
                return;
            }
            _sentAny = true;
            _sinceLast.Restart();
            // A send is a socket write of a few bytes; the test's loop may wait for it where Unity's would not.
            var seq = _client.SendInputAsync(new ArenaInput(dx, dy).ToPayload()).GetAwaiter().GetResult();
            if (seq != 0)
            {
                LastSeq = seq;
            }
        }
    }
}

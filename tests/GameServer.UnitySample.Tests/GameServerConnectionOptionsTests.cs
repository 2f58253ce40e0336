using System;
using GameServer.UnityClient;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Settings are checked when the connection is created, and a bad one is named in the error.</summary>
    public sealed class GameServerConnectionOptionsTests
    {
        [Theory]
        [InlineData(-1, 2000)] // negative
        [InlineData(3000, 2000)] // under twice the ping interval: a late Pong would look like a dead server
        [InlineData(6000, 0)] // pings off: outside a room nothing would arrive at all
        public void ADeadPeerTimeoutThatIsNegativeOrTooShortForThePings_IsRefusedNamingDeadPeerTimeoutMs(int deadPeerTimeoutMs, int pingIntervalMs)
        {
            var options = new GameServerConnectionOptions
            {
                ServerUri = new Uri("ws://localhost:5000/ws"),
                DeadPeerTimeoutMs = deadPeerTimeoutMs,
                PingIntervalMs = pingIntervalMs,
            };

            var error = Assert.Throws<ArgumentException>(() => new GameServerConnection(options));

            Assert.Contains("DeadPeerTimeoutMs is " + deadPeerTimeoutMs, error.Message);
            Assert.Contains("PingIntervalMs (" + pingIntervalMs + ")", error.Message);
        }

        [Theory]
        [InlineData(6000, 2000)] // the defaults
        [InlineData(4000, 2000)] // exactly twice
        [InlineData(0, 0)] // detection and pings both off
        [InlineData(0, 2000)] // detection off
        public void ADeadPeerTimeoutOfZeroOrAtLeastTwiceThePingInterval_IsAccepted(int deadPeerTimeoutMs, int pingIntervalMs)
        {
            var options = new GameServerConnectionOptions
            {
                ServerUri = new Uri("ws://localhost:5000/ws"),
                DeadPeerTimeoutMs = deadPeerTimeoutMs,
                PingIntervalMs = pingIntervalMs,
            };

            var error = Record.Exception(() => new GameServerConnection(options).Dispose());

            Assert.Null(error);
        }
    }
}

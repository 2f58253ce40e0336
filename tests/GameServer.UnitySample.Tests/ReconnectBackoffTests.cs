using System;
using GameServer.UnityClient;
using Xunit;
using P = GameServer.Protocol;

namespace GameServer.UnitySample.Tests
{
    /// <summary>The reconnect delay (docs/protocol.md §13) and which closes are retried (§10).</summary>
    public sealed class ReconnectBackoffTests
    {
        [Theory]
        [InlineData(0, 250)]
        [InlineData(1, 500)]
        [InlineData(2, 1000)]
        [InlineData(5, 8000)]
        [InlineData(6, 10000)]
        [InlineData(1000, 10000)]
        public void TheCeiling_DoublesFrom250Ms_UpTo10S(int attempt, double expectedMs)
        {
            Assert.Equal(expectedMs, ReconnectBackoff.CeilingMs(attempt, afterDrain: false, initialDelayMs: 250, maxDelayMs: 10000));
        }

        [Fact]
        public void AfterADrain_TheFirstAttemptComesWithin250Ms_EvenWithALongInitialDelay()
        {
            Assert.Equal(250, ReconnectBackoff.CeilingMs(0, afterDrain: true, initialDelayMs: 5000, maxDelayMs: 10000));
            Assert.Equal(10000, ReconnectBackoff.CeilingMs(1, afterDrain: true, initialDelayMs: 5000, maxDelayMs: 10000));
        }

        [Fact]
        public void TheDelay_IsFullJitter_SpreadOverZeroToTheCeiling()
        {
            var random = new Random(42);
            var min = int.MaxValue;
            var max = 0;
            for (var i = 0; i < 1000; i++)
            {
                var delay = ReconnectBackoff.DelayMs(3, afterDrain: false, initialDelayMs: 250, maxDelayMs: 10000, random);
                min = Math.Min(min, delay);
                max = Math.Max(max, delay);
            }

            Assert.InRange(min, 0, 100);
            Assert.InRange(max, 1900, 1999);
        }

        [Theory]
        [InlineData(null)]
        [InlineData(1000)]
        [InlineData(1001)]
        [InlineData(1003)]
        [InlineData(1005)]
        [InlineData(1006)]
        [InlineData(1007)]
        [InlineData(1008)]
        [InlineData(1009)]
        [InlineData(1011)]
        [InlineData(1012)]
        [InlineData(1013)]
        [InlineData(4001)]
        [InlineData(4002)]
        [InlineData(4003)]
        [InlineData(4004)]
        [InlineData(4999)]
        public void WhetherToReconnectAfterAClose_AgreesWithTheServersOwnRule(int? code)
        {
            Assert.Equal(P.CloseCode.ShouldReconnect(code), CloseCodes.ShouldReconnect(code));
        }

        [Theory]
        [InlineData(1000)]
        [InlineData(1008)]
        [InlineData(4004)]
        public void NormalPolicyViolationAndTakeover_AreNotRetried(int code)
        {
            Assert.False(CloseCodes.ShouldReconnect(code));
        }

        [Theory]
        [InlineData(null)]
        [InlineData(1001)]
        [InlineData(4003)]
        public void ADropGoingAwayAndDraining_AreRetried(int? code)
        {
            Assert.True(CloseCodes.ShouldReconnect(code));
        }
    }
}

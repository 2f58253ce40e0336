using System.Collections.Generic;
using System.Linq;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using GameServer.UnityClient;
using MessagePack;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// Interpolation on a fake clock: 20 Hz (50 ms per tick), 100 ms delay. Snapshots arrive exactly on time unless a test
    /// says otherwise, so the server-minus-local offset is 0 and the render tick at time t ms is (t − 100) / 50.
    /// </summary>
    public sealed class SnapshotInterpolatorTests
    {
        private readonly SnapshotInterpolator _interpolator = new SnapshotInterpolator(tickRateHz: 20, delayMs: 100);
        private readonly List<ArenaEntity> _output = new List<ArenaEntity>();

        [Fact]
        public void BetweenTwoSnapshots_PositionsAreLerped_AtTheRenderTime100MsBehind()
        {
            AddOnTime(10, Entity(1, x: 100, y: 500));
            AddOnTime(11, Entity(1, x: 110, y: 400));

            // Tick 11 arrived at 550 ms; at 625 ms the render time is 525 ms = tick 10.5.
            _interpolator.Sample(625, _output);

            var entity = Assert.Single(_output);
            Assert.Equal(105f, entity.X, 3);
            Assert.Equal(450f, entity.Y, 3);
            Assert.Equal(10.5, _interpolator.RenderTick(625), 6);
            Assert.Equal(25, _interpolator.RenderLagMs(625), 6);
        }

        [Fact]
        public void AtExactlyASnapshotsTick_ThatSnapshotIsShown()
        {
            AddOnTime(10, Entity(1, x: 100));
            AddOnTime(11, Entity(1, x: 110));

            _interpolator.Sample(600, _output); // render tick 10

            Assert.Equal(100f, Assert.Single(_output).X);
        }

        [Fact]
        public void PastTheNewestSnapshot_TheNewestIsHeld_AndBeforeTheOldestTheOldest()
        {
            AddOnTime(10, Entity(1, x: 100));
            AddOnTime(11, Entity(1, x: 110));

            _interpolator.Sample(5000, _output);
            Assert.Equal(110f, Assert.Single(_output).X);

            _interpolator.Sample(0, _output);
            Assert.Equal(100f, Assert.Single(_output).X);
        }

        [Fact]
        public void WithManySnapshots_ThePairAroundTheRenderTimeIsUsed()
        {
            for (var tick = 1; tick <= 10; tick++)
            {
                AddOnTime(tick, Entity(1, x: tick * 10));
            }

            _interpolator.Sample(6.25 * 50 + 100, _output); // render tick 6.25

            Assert.Equal(62.5f, Assert.Single(_output).X, 3);
        }

        [Fact]
        public void AnEntityOnlyInTheLaterSnapshot_Appears_AndOneOnlyInTheEarlierIsGone()
        {
            AddOnTime(10, Entity(1, x: 100), Entity(2, x: 500));
            AddOnTime(11, Entity(3, x: 700), Entity(1, x: 110));

            _interpolator.Sample(625, _output);

            Assert.Equal(new[] { 1, 3 }, _output.Select(e => e.EntityId).OrderBy(id => id).ToArray());
            Assert.Equal(105f, _output.Single(e => e.EntityId == 1).X, 3);
            Assert.Equal(700f, _output.Single(e => e.EntityId == 3).X);
        }

        [Fact]
        public void ATickGoingBackwards_ResetsTheBuffer_SoTheRestoredStateIsShownNotLerpedTowards()
        {
            AddOnTime(10, Entity(1, x: 100));
            AddOnTime(11, Entity(1, x: 110));

            // The room was restored from a checkpoint at tick 8; it arrives right after tick 11 did.
            var rewound = _interpolator.Add(8, new[] { Entity(1, x: 80) }, 560);
            _interpolator.Sample(600, _output);

            Assert.True(rewound);
            Assert.Equal(1, _interpolator.Count);
            Assert.Equal(1, _interpolator.Rewinds);
            Assert.Equal(8, _interpolator.NewestTick);
            Assert.Equal(80f, Assert.Single(_output).X);
        }

        [Fact]
        public void ASnapshotArrivingLate_BarelyMovesTheRenderTime_ButAnEarlyOneCatchesUpFast()
        {
            AddOnTime(10, Entity(1, x: 100));
            var before = _interpolator.RenderTick(1000);

            _interpolator.Add(11, new[] { Entity(1, x: 110) }, 550 + 40); // 40 ms late
            var afterLate = _interpolator.RenderTick(1000);
            _interpolator.Add(12, new[] { Entity(1, x: 120) }, 600 - 40); // 40 ms early
            var afterEarly = _interpolator.RenderTick(1000);

            Assert.Equal(-0.04, afterLate - before, 6); // 5 % of 40 ms, in ticks of 50 ms
            Assert.True(afterEarly > before + 0.3, "an early snapshot moves the estimate half the way up");
        }

        [Fact]
        public void ANewTickRate_ResetsTheBuffer()
        {
            AddOnTime(10, Entity(1, x: 100));

            _interpolator.SetTickRate(30);

            Assert.Equal(0, _interpolator.Count);
            Assert.Equal(30, _interpolator.TickRateHz);
            Assert.Equal(0, _interpolator.Sample(1000, _output));
        }

        [Fact]
        public void ASnapshotFromTheWire_IsDecodedWithTheSharedArenaCodec_AndPlacedAtItsArrivalTime()
        {
            AddOnTime(10, Entity(1, x: 100));
            var state = new System.Buffers.ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(state);
            writer.WriteArrayHeader(2);
            ArenaState.WriteEntity(ref writer, Entity(1, x: 110, y: 20.5f));
            ArenaState.WriteEntity(ref writer, Entity(2, x: 300));
            writer.Flush();

            _interpolator.Add(new Snapshot(11, 550, new uint[] { 1, 4 }, state.WrittenMemory), receivedAtMs: 550);
            _interpolator.Sample(625, _output);

            Assert.Equal(new[] { 1, 2 }, _output.Select(e => e.EntityId).ToArray());
            Assert.Equal(105f, _output[0].X, 3);
            Assert.Equal(10.25f, _output[0].Y, 3); // half way from 0 to 20.5 (sent as 205 tenths)
            Assert.Equal(300f, _output[1].X); // only in the later snapshot: shown there
            Assert.Equal(11, _interpolator.NewestTick);
        }

        [Fact]
        public void ASnapshotWithNoGameState_HoldsNoEntities()
        {
            _interpolator.Add(new Snapshot(3, 150, new uint[0], new byte[] { 0xc0 }), receivedAtMs: 150);

            Assert.Equal(1, _interpolator.Count);
            Assert.Equal(0, _interpolator.Sample(1000, _output));
        }

        [Fact]
        public void BeforeAnySnapshot_NothingIsRendered()
        {
            Assert.Equal(0, _interpolator.Sample(1000, _output));
            Assert.True(double.IsNaN(_interpolator.RenderTick(1000)));
        }

        private void AddOnTime(long tick, params ArenaEntity[] entities) => _interpolator.Add(tick, entities, tick * 50);

        private static ArenaEntity Entity(int id, float x, float y = 0) => new ArenaEntity(id, x, y, 0, 0, 100);
    }
}

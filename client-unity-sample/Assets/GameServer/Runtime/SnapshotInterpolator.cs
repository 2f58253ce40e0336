#nullable enable
using System;
using System.Collections.Generic;
using GameServer.Protocol;
using GameServer.Protocol.Arena;

namespace GameServer.UnityClient
{
    /// <summary>
    /// Smooth arena movement between snapshots: renders <see cref="DelayMs"/> (default 100 ms) behind the server and
    /// places each entity on the line between the two snapshots around that render time. Snapshots arrive every 50 ms at
    /// the arena's 20 Hz, so 100 ms of delay leaves one spare snapshot to absorb network jitter. The same scheme as the
    /// browser demo (src/GameServer.Host/wwwroot/demo.js).
    /// <para>
    /// Server time is the snapshot's tick × (1000 / tick rate); its offset from the local clock is estimated from the
    /// snapshots' arrival times. Feed every snapshot with <see cref="Add(Snapshot, double)"/> and the time it arrived
    /// (<c>GameClient.EventReceivedAt</c> while draining); it resets itself when a tick goes backwards (a room restored
    /// from a checkpoint). Call <see cref="Reset"/> after a new Welcome and <see cref="SetTickRate"/> after
    /// SettingsChanged. Not thread-safe: use it from the main thread.
    /// </para>
    /// </summary>
    public sealed class SnapshotInterpolator
    {
        /// <summary>The default render delay behind the newest server time, ms.</summary>
        public const double DefaultDelayMs = 100;

        /// <summary>A clock sample further than this from the estimate replaces it rather than nudging it (a stall, a resume), ms.</summary>
        private const double ResyncThresholdMs = 250;

        private static readonly Comparison<ArenaEntity> s_byEntityId = (a, b) => a.EntityId.CompareTo(b.EntityId);

        private readonly List<Frame> _frames = new List<Frame>();
        private readonly int _capacity;
        private double _offsetMs;
        private bool _hasOffset;

        /// <param name="tickRateHz">The room's tick rate (<see cref="Welcome.TickRateHz"/>); default 20.</param>
        /// <param name="delayMs">How far behind the server to render; default 100 ms.</param>
        /// <param name="capacity">Snapshots kept; default 32 (1.6 s at 20 Hz).</param>
        public SnapshotInterpolator(int tickRateHz = 20, double delayMs = DefaultDelayMs, int capacity = 32)
        {
            if (tickRateHz <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tickRateHz), tickRateHz, "The tick rate must be positive (the arena's is 20).");
            }
            if (capacity < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Interpolation needs at least 2 snapshots.");
            }
            TickRateHz = tickRateHz;
            DelayMs = delayMs;
            _capacity = capacity;
        }

        /// <summary>How far behind the estimated server time to render, ms.</summary>
        public double DelayMs { get; set; }

        public int TickRateHz { get; private set; }

        /// <summary>Snapshots buffered.</summary>
        public int Count => _frames.Count;

        /// <summary>The newest buffered tick, or -1.</summary>
        public long NewestTick => _frames.Count == 0 ? -1 : _frames[_frames.Count - 1].Tick;

        /// <summary>Times the buffer was reset because a tick went backwards.</summary>
        public int Rewinds { get; private set; }

        /// <summary>Forgets every snapshot and the clock estimate (after a new Welcome or a rewind).</summary>
        public void Reset()
        {
            _frames.Clear();
            _hasOffset = false;
        }

        /// <summary>A new tick rate (SettingsChanged): tick numbers map to time differently from now on, so this resets.</summary>
        public void SetTickRate(int tickRateHz)
        {
            if (tickRateHz <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tickRateHz), tickRateHz, "The tick rate must be positive.");
            }
            if (tickRateHz != TickRateHz)
            {
                TickRateHz = tickRateHz;
                Reset();
            }
        }

        /// <summary>
        /// Adds an arena snapshot that arrived at <paramref name="receivedAtMs"/> on the clock later passed to
        /// <see cref="Sample"/> (the arrival time, not the time the game got round to draining it); returns true if its
        /// tick went backwards and the buffer was reset first.
        /// </summary>
        public bool Add(Snapshot snapshot, double receivedAtMs)
        {
            if (snapshot == null)
            {
                throw new ArgumentNullException(nameof(snapshot));
            }
            return Add(snapshot.Tick, ArenaState.Read(snapshot.GameState), receivedAtMs);
        }

        /// <summary>Adds the state at <paramref name="tick"/>, which arrived at <paramref name="receivedAtMs"/> on the clock later passed to <see cref="Sample"/>.</summary>
        public bool Add(long tick, IReadOnlyList<ArenaEntity> entities, double receivedAtMs)
        {
            if (entities == null)
            {
                throw new ArgumentNullException(nameof(entities));
            }
            var rewound = false;
            if (_frames.Count > 0 && tick <= NewestTick)
            {
                // Over one WebSocket snapshots arrive in order, so an old tick means the room was restored from a checkpoint.
                Reset();
                Rewinds++;
                rewound = true;
            }

            // offset = server time − local time. A snapshot delayed in the network gives a smaller sample: follow those
            // down slowly and the least-delayed ones up quickly, so jitter does not drag the render time back and forth.
            var sample = tick * MsPerTick - receivedAtMs;
            if (!_hasOffset || Math.Abs(sample - _offsetMs) > ResyncThresholdMs)
            {
                _offsetMs = sample;
                _hasOffset = true;
            }
            else
            {
                _offsetMs += (sample - _offsetMs) * (sample > _offsetMs ? 0.5 : 0.05);
            }

            var sorted = new ArenaEntity[entities.Count];
            for (var i = 0; i < sorted.Length; i++)
            {
                sorted[i] = entities[i];
            }
            Array.Sort(sorted, s_byEntityId);
            _frames.Add(new Frame(tick, sorted));
            if (_frames.Count > _capacity)
            {
                _frames.RemoveAt(0);
            }
            return rewound;
        }

        /// <summary>The (fractional) tick shown at <paramref name="nowMs"/>, or NaN before the first snapshot.</summary>
        public double RenderTick(double nowMs) =>
            _hasOffset ? (nowMs + _offsetMs - DelayMs) / MsPerTick : double.NaN;

        /// <summary>
        /// Fills <paramref name="output"/> with every entity at <paramref name="nowMs"/>: between the two snapshots around
        /// the render time, linearly; before the oldest or past the newest, held at that snapshot. An entity only in the
        /// later snapshot appears there; one only in the earlier one is gone. Returns the number of entities.
        /// </summary>
        public int Sample(double nowMs, List<ArenaEntity> output)
        {
            if (output == null)
            {
                throw new ArgumentNullException(nameof(output));
            }
            output.Clear();
            if (_frames.Count == 0)
            {
                return 0;
            }
            var renderTick = RenderTick(nowMs);
            var i = _frames.Count - 1;
            while (i > 0 && _frames[i - 1].Tick > renderTick)
            {
                i--;
            }
            var later = _frames[i];
            if (i == 0 || renderTick >= later.Tick)
            {
                output.AddRange(later.Entities);
                return output.Count;
            }
            var earlier = _frames[i - 1];
            var t = (float)((renderTick - earlier.Tick) / (later.Tick - earlier.Tick));
            var j = 0;
            foreach (var to in later.Entities)
            {
                // Both arrays are sorted by entity id: walk them together.
                while (j < earlier.Entities.Length && earlier.Entities[j].EntityId < to.EntityId)
                {
                    j++;
                }
                if (j < earlier.Entities.Length && earlier.Entities[j].EntityId == to.EntityId)
                {
                    var from = earlier.Entities[j];
                    output.Add(new ArenaEntity(to.EntityId, from.X + (to.X - from.X) * t, from.Y + (to.Y - from.Y) * t, to.Vx, to.Vy, to.Hp));
                }
                else
                {
                    output.Add(to);
                }
            }
            return output.Count;
        }

        /// <summary>How far the render time at <paramref name="nowMs"/> is behind the newest snapshot, ms (about <see cref="DelayMs"/> when all is well).</summary>
        public double RenderLagMs(double nowMs) =>
            _frames.Count == 0 ? double.NaN : (NewestTick - RenderTick(nowMs)) * MsPerTick;

        private double MsPerTick => 1000.0 / TickRateHz;

        private readonly struct Frame
        {
            public Frame(long tick, ArenaEntity[] entities)
            {
                Tick = tick;
                Entities = entities;
            }

            public long Tick { get; }

            public ArenaEntity[] Entities { get; }
        }
    }
}

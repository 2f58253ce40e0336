#nullable enable
using System;
using System.Collections.Generic;
using GameServer.Client;
using GameServer.Protocol;

namespace GameServer.UnityClient
{
    /// <summary>
    /// What a game script needs of a room beyond the snapshots: the game's events (a tag, a goal, "round over") and the
    /// role the game gave the player (e.g. a team). Forwards the SDK's <see cref="GameClient.GameEventReceived"/> and the
    /// welcome's role, so with queued events (the sample's setting) everything here is raised inside
    /// <see cref="GameClient.DrainEvents"/>, on the main thread. Engine-independent, so the tests run it as Unity does.
    /// </summary>
    public sealed class GameEventFeed
    {
        /// <summary>How many recent events <see cref="Recent"/> keeps by default (for an on-screen log).</summary>
        public const int DefaultRecentCapacity = 8;

        private readonly Queue<GameEvent> _recent = new Queue<GameEvent>();
        private readonly int _recentCapacity;

        /// <param name="client">The connection whose events to forward.</param>
        /// <param name="recentCapacity">How many recent events <see cref="Recent"/> keeps (default 8).</param>
        public GameEventFeed(GameClient client, int recentCapacity = DefaultRecentCapacity)
        {
            if (client == null)
            {
                throw new ArgumentNullException(nameof(client));
            }
            if (recentCapacity < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(recentCapacity), recentCapacity, "Keep 0 or more recent events.");
            }
            _recentCapacity = recentCapacity;
            client.GameEventReceived += OnGameEvent;
            client.Welcomed += welcome => SetRole(welcome.Role, welcome.View);
            client.LeftRoom += left =>
            {
                _recent.Clear(); // the next room numbers its events afresh
                SetRole(null, 0);
            };
        }

        /// <summary>One of the game's events, once each, in order (the payload is the game's MessagePack value).</summary>
        public event Action<GameEvent>? GameEventReceived;

        /// <summary>The player's role changed: a welcome gave one (or none), or the player left the room (null).</summary>
        public event Action<string?>? RoleChanged;

        /// <summary>The role or team the game gave the player in the current room (e.g. <c>"red"</c>), or null.</summary>
        public string? Role { get; private set; }

        /// <summary>The view group the player sees the room as (hidden information); 0 when everyone sees everything.</summary>
        public int View { get; private set; }

        /// <summary>Game events forwarded, over all rooms.</summary>
        public long Received { get; private set; }

        /// <summary>The newest events of the current room, oldest first, at most the capacity given.</summary>
        public IReadOnlyCollection<GameEvent> Recent => _recent;

        private void OnGameEvent(GameEvent gameEvent)
        {
            Received++;
            if (_recentCapacity > 0)
            {
                if (_recent.Count == _recentCapacity)
                {
                    _recent.Dequeue();
                }
                _recent.Enqueue(gameEvent);
            }
            GameEventReceived?.Invoke(gameEvent);
        }

        private void SetRole(string? role, int view)
        {
            View = view;
            if (role != Role)
            {
                Role = role;
                RoleChanged?.Invoke(role);
            }
        }
    }
}

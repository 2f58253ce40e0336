using System.Collections.Generic;
using System.Linq;
using GameServer.UnityClient;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Records every event a connection raises, in order, and whether each was raised inside a drain.</summary>
    internal sealed class EventLog
    {
        private readonly object _gate = new object();
        private readonly List<string> _order = new List<string>();

        public EventLog(GameServerConnection connection)
        {
            connection.StateChanged += s => Record("state:" + s, States, s);
            connection.Welcomed += w => Record("welcome" + (w.Resumed ? ":resumed" : ""), Welcomes, w);
            connection.SnapshotReceived += s => Record("snapshot", Snapshots, s);
            connection.TickRewound += (previous, tick) => Record("rewound", Rewinds, (previous, tick));
            connection.PongReceived += rtt => Record("pong", Pongs, rtt);
            connection.ErrorReceived += e => Record("error:" + e.Code, Errors, e);
            connection.ResumeFailed += e => Record("resume-failed:" + e.Code, ResumeFailures, e);
            connection.LeftRoom += l => Record("left:" + l.Reason, Lefts, l);
            connection.SettingsChanged += c => Record("settings", Settings, c);
            connection.Reconnecting += r => Record("reconnecting", Reconnecting, r);
            connection.Closed += (code, reason) => Record("closed:" + code, Closes, (code, reason));
        }

        public List<ConnectionState> States { get; } = new List<ConnectionState>();

        public List<WelcomeMessage> Welcomes { get; } = new List<WelcomeMessage>();

        public List<SnapshotMessage> Snapshots { get; } = new List<SnapshotMessage>();

        public List<(long Previous, long Tick)> Rewinds { get; } = new List<(long Previous, long Tick)>();

        public List<double> Pongs { get; } = new List<double>();

        public List<ErrorMessage> Errors { get; } = new List<ErrorMessage>();

        public List<ErrorMessage> ResumeFailures { get; } = new List<ErrorMessage>();

        public List<LeftMessage> Lefts { get; } = new List<LeftMessage>();

        public List<SettingsChangedMessage> Settings { get; } = new List<SettingsChangedMessage>();

        public List<ReconnectingInfo> Reconnecting { get; } = new List<ReconnectingInfo>();

        public List<(int? Code, string? Reason)> Closes { get; } = new List<(int? Code, string? Reason)>();

        /// <summary>Events raised outside <see cref="GameLoop.Frame"/>: must stay 0 (Unity APIs are main-thread only).</summary>
        public int RaisedOutsideDrain { get; private set; }

        /// <summary>Every event's name in the order raised (snapshots included).</summary>
        public IReadOnlyList<string> Order
        {
            get
            {
                lock (_gate)
                {
                    return _order.ToArray();
                }
            }
        }

        /// <summary>The newest snapshot, or null.</summary>
        public SnapshotMessage? LastSnapshot => Snapshots.LastOrDefault();

        private void Record<T>(string name, List<T> list, T value)
        {
            lock (_gate)
            {
                if (!GameLoop.IsDraining)
                {
                    RaisedOutsideDrain++;
                }
                _order.Add(name);
                list.Add(value);
            }
        }
    }
}

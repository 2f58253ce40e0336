using System.Collections.Generic;
using System.Linq;
using GameServer.Client;
using GameServer.Protocol;

namespace GameServer.UnitySample.Tests
{
    /// <summary>Records the events the sample listens to, and whether each was raised inside a drain.</summary>
    internal sealed class EventLog
    {
        private readonly object _gate = new object();

        public EventLog(GameClient client)
        {
            client.StateChanged += s => Record(States, s);
            client.Welcomed += w => Record(Welcomes, w);
            client.SnapshotReceived += s => Record(Snapshots, s);
            client.ErrorReceived += e => Record(Errors, e);
            client.LeftRoom += l => Record(Lefts, l);
            client.Reconnecting += r => Record(Reconnecting, r);
        }

        public List<ConnectionState> States { get; } = new List<ConnectionState>();

        public List<Welcome> Welcomes { get; } = new List<Welcome>();

        public List<Snapshot> Snapshots { get; } = new List<Snapshot>();

        public List<Error> Errors { get; } = new List<Error>();

        public List<Left> Lefts { get; } = new List<Left>();

        public List<ReconnectingEventArgs> Reconnecting { get; } = new List<ReconnectingEventArgs>();

        /// <summary>Events raised outside <see cref="GameLoop.Frame"/>: must stay 0 (Unity APIs are main-thread only).</summary>
        public int RaisedOutsideDrain { get; private set; }

        /// <summary>The newest snapshot, or null.</summary>
        public Snapshot? LastSnapshot => Snapshots.LastOrDefault();

        private void Record<T>(List<T> list, T value)
        {
            lock (_gate)
            {
                if (!GameLoop.IsDraining)
                {
                    RaisedOutsideDrain++;
                }
                list.Add(value);
            }
        }
    }
}

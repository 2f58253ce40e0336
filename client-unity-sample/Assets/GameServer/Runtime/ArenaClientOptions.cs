#nullable enable
using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.UnityClient
{
    /// <summary>
    /// How the sample sets up its <see cref="GameClient"/>. Engine-independent, so the tests run with exactly the
    /// settings <c>ArenaClient</c> uses.
    /// </summary>
    public static class ArenaClientOptions
    {
        /// <param name="accessToken">The signed player token.</param>
        /// <param name="tokenInQuery">Send it as <c>?access_token=</c> instead of an Authorization header.</param>
        public static GameClientOptions Create(string accessToken, bool tokenInQuery)
        {
            var options = new GameClientOptions
            {
                AccessToken = accessToken,
                SendTokenInQuery = tokenInQuery,
                QueueEvents = true, // every event waits for DrainEvents() in Update, on the main thread
                // Delta snapshots (gameserver.v2): most snapshots arrive as the changes since the previous one, a fraction
                // of the bytes. The SDK rebuilds each full snapshot, so SnapshotReceived and the interpolator see no difference.
                StateDelta = ArenaDelta.Instance,
            };
            // A lost seat (resume expired or refused): join afresh rather than stop.
            options.Reconnect.RejoinAfterResumeFailure = true;
            return options;
        }
    }
}

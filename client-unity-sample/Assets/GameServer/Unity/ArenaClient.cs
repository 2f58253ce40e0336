using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading.Tasks;
using GameServer.Client;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using UnityEngine;
using UnityEngine.Networking;

namespace GameServer.UnityClient
{
    /// <summary>
    /// Plays the arena on a GameServer: WASD or the arrow keys move your cube (yellow); every other player is a cube too,
    /// moved smoothly ~100 ms behind the server by <see cref="SnapshotInterpolator"/>. Add it to an empty GameObject in an
    /// empty scene and press Play. All networking is the SDK's <see cref="GameClient"/> (the com.gameserver.client
    /// package, the same client core the server's own tests and load tool use) in queued-events mode; this script only
    /// drains its events on the main thread, reads the keyboard and moves cubes.
    /// </summary>
    public sealed class ArenaClient : MonoBehaviour
    {
        private const float InputIntervalSeconds = 0.05f; // 20 Hz, the arena's tick rate
        private const float PingIntervalSeconds = 2f; // for the status line's round trip; snapshots keep the link alive
        private const string ArenaRoomType = "arena";
        private const float ArenaSize = 1000f; // arena units per side (the server's ArenaTunables default)

        [Header("Server")]
        [Tooltip("The game socket: ws://host:port/ws (wss:// with TLS).")]
        [SerializeField] private string serverUrl = "ws://localhost:5000/ws";

        [Tooltip("A signed player token. Leave empty on a Development server to fetch one from /auth/dev-token.")]
        [SerializeField] private string accessToken = "";

        [Tooltip("With no token: the player name to ask the Development server's /auth/dev-token for.")]
        [SerializeField] private string devTokenPlayer = "unity-player";

        [Tooltip("Send the token as ?access_token= instead of an Authorization header (for platforms that cannot set headers).")]
        [SerializeField] private bool tokenInQuery = false;

        [SerializeField] private string roomType = ArenaRoomType;

        [Header("Room")]
        [Tooltip("How Play gets you into a room: matchmaking, a new private room (its code shows on screen for friends), or a friend's code.")]
        [SerializeField] private RoomEntry roomEntry = RoomEntry.Matchmake;

        [Tooltip("The arena's mode, ffa or duel: the matchmaking criterion, or the new room's mode. Empty for the default (ffa).")]
        [SerializeField] private string mode = "";

        [Tooltip("With Join By Code: the 6-character code a friend's private room shows.")]
        [SerializeField] private string roomCode = "";

        [Tooltip("Join option 'team' for games that take one (tag: red or blue). Empty sends no join options (the arena).")]
        [SerializeField] private string team = "";

        [Header("View")]
        [Tooltip("How far behind the server to render, ms; 100 leaves one spare snapshot at 20 Hz.")]
        [SerializeField] private float interpolationDelayMs = (float)SnapshotInterpolator.DefaultDelayMs;

        [Tooltip("World metres per arena unit: the 1000-unit arena becomes 10 m square.")]
        [SerializeField] private float metresPerUnit = 0.01f;

        private readonly Dictionary<int, GameObject> _cubes = new Dictionary<int, GameObject>();
        private readonly List<ArenaEntity> _sampled = new List<ArenaEntity>();
        private readonly HashSet<int> _seen = new HashSet<int>();
        private readonly List<int> _gone = new List<int>();
        private GameClient _connection;
        private GameEventFeed _feed;
        private SnapshotInterpolator _interpolator;
        private float _sinceInput;
        private float _sincePing;
        private string _status = "starting";
        private string _lastProblem = "";

        /// <summary>How <see cref="Start"/> gets the player into a room.</summary>
        public enum RoomEntry
        {
            /// <summary>Join-or-create a public room with the <c>mode</c> as the criterion.</summary>
            Matchmake,

            /// <summary>Open a private room; friends join it with the code shown on screen.</summary>
            CreatePrivateRoom,

            /// <summary>Join the friend's private room whose code is in <c>roomCode</c>.</summary>
            JoinByCode,
        }

        /// <summary>The current room's code when it is private (show it to friends), else null.</summary>
        public string RoomCode => _connection != null ? _connection.RoomCode : null;

        /// <summary>
        /// The game's events (and the player's role) for other scripts: subscribe to its <c>GameEventReceived</c> or
        /// <c>RoleChanged</c>; both are raised in this component's <c>Update</c>, on the main thread. Null until connected.
        /// </summary>
        public GameEventFeed Events => _feed;

        /// <summary>The role or team the game gave the player in the current room, or null.</summary>
        public string Role => _feed != null ? _feed.Role : null;

        /// <summary>Leaves the current room, if any, and matchmakes into a public one with the <c>mode</c> criterion.</summary>
        [ContextMenu("Matchmake")]
        public void Matchmake() => Observe(SwitchRoomAsync(RoomEntry.Matchmake));

        /// <summary>Leaves the current room, if any, and opens a private one; its code shows in the status line.</summary>
        [ContextMenu("Create private room")]
        public void CreatePrivateRoom() => Observe(SwitchRoomAsync(RoomEntry.CreatePrivateRoom));

        /// <summary>Leaves the current room, if any, and joins the private room with <paramref name="code"/> (a UI text field's value).</summary>
        public void JoinByCode(string code)
        {
            roomCode = code;
            Observe(SwitchRoomAsync(RoomEntry.JoinByCode));
        }

        [ContextMenu("Join by code")]
        private void JoinByCodeFromInspector() => JoinByCode(roomCode);

        private void Start()
        {
            Application.runInBackground = true; // keep playing (and answering) while another window has focus
            SetUpScene();
            if (string.IsNullOrEmpty(accessToken))
            {
                StartCoroutine(FetchDevTokenThenConnect());
            }
            else
            {
                Connect(accessToken);
            }
        }

        private void Update()
        {
            if (_connection == null)
            {
                return;
            }
            // Every event of the connection is raised here, on the main thread, where Unity's APIs may be used.
            _connection.DrainEvents();

            _sinceInput += Time.unscaledDeltaTime;
            if (_sinceInput >= InputIntervalSeconds)
            {
                // One input per 50 ms; after a hitch, send one and start counting again rather than a burst.
                _sinceInput = _sinceInput >= 2 * InputIntervalSeconds ? 0 : _sinceInput - InputIntervalSeconds;
                Vector2 direction = ReadDirection();
                if (_connection.Room != null)
                {
                    // Dropped (0) while reconnecting; the send itself runs on the thread pool, so don't wait for it.
                    Observe(_connection.SendInputAsync(new ArenaInput(direction.x, direction.y).ToPayload()));
                }
            }

            _sincePing += Time.unscaledDeltaTime;
            if (_sincePing >= PingIntervalSeconds && _connection.State == ConnectionState.InRoom)
            {
                _sincePing = 0;
                Observe(_connection.PingAsync()); // sets LastRoundTrip
            }

            _interpolator.DelayMs = interpolationDelayMs;
            _interpolator.Sample(_connection.Clock.TotalMilliseconds, _sampled);
            SyncCubes();
            UpdateStatus();
        }

        private void OnGUI()
        {
            GUI.Label(new Rect(10, 10, 900, 120), _status + (_lastProblem.Length > 0 ? "\n" + _lastProblem : ""));
        }

        private void OnDestroy()
        {
            // Closing with 1000 frees the seat at once; a dropped app keeps it for the room's grace window instead.
            if (_connection != null)
            {
                Observe(_connection.DisposeAsync().AsTask());
            }
        }

        private void Connect(string token)
        {
            _interpolator = new SnapshotInterpolator(20, interpolationDelayMs);
            // Queued events (drained in Update), delta snapshots, rejoin after a lost seat: see ArenaClientOptions.
            _connection = new GameClient(ArenaClientOptions.Create(token, tokenInQuery));
            _feed = new GameEventFeed(_connection);
            _feed.GameEventReceived += gameEvent => Debug.Log("GameServer: game event " + gameEvent.Seq + " at tick " + gameEvent.Tick);
            _connection.Welcomed += welcome =>
            {
                // A new seat, or the same one after an outage: either way the buffered snapshots are stale.
                _interpolator.Reset();
                _interpolator.SetTickRate(welcome.TickRateHz);
                _lastProblem = "";
            };
            // The arrival time, not now: a snapshot drained a frame late still lands where it belongs on the timeline.
            _connection.SnapshotReceived += snapshot => _interpolator.Add(snapshot, _connection.EventReceivedAt.TotalMilliseconds);
            _connection.RoomRestored += restored =>
                Debug.Log("GameServer: room restored from a checkpoint, tick " + restored.LastTickBefore + " -> " + restored.FirstTickAfter + "; interpolation reset");
            _connection.SettingsChanged += changed => _interpolator.SetTickRate(changed.TickRateHz);
            _connection.Reconnecting += info =>
            {
                _lastProblem = "reconnecting… attempt " + info.Attempt + " in " + info.Delay.TotalMilliseconds.ToString("0") + " ms" +
                    (info.CloseCode.HasValue ? " (closed with " + info.CloseCode + ")" : " (connection lost)");
            };
            _connection.ResumeFailed += error => Debug.LogWarning("GameServer: seat lost (" + error + "); joining afresh");
            _connection.ErrorReceived += error =>
            {
                _lastProblem = error.ToString();
                Debug.LogWarning("GameServer: " + error);
            };
            _connection.LeftRoom += left => ClearCubes();
            _connection.Closed += (code, reason) =>
            {
                _lastProblem = "closed" + (code.HasValue ? " " + (int)code.Value : "") + ": " + reason;
                ClearCubes();
            };
            Observe(ConnectAndJoinAsync());
        }

        private async Task ConnectAndJoinAsync()
        {
            await _connection.ConnectAsync(new Uri(serverUrl));
            await EnterAsync(roomEntry);
        }

        private async Task SwitchRoomAsync(RoomEntry entry)
        {
            if (_connection == null)
            {
                roomEntry = entry; // not connected yet: Start enters this way
                return;
            }
            if (_connection.Room != null)
            {
                await _connection.LeaveAsync(); // one room at a time: the server refuses a join from a seated player
            }
            await EnterAsync(entry);
        }

        /// <summary>All three ways in are the SDK's; each answers with the Welcome (raised as Welcomed) or throws the server's error.</summary>
        private Task<Welcome> EnterAsync(RoomEntry entry)
        {
            var options = TeamOption();
            switch (entry)
            {
                case RoomEntry.CreatePrivateRoom:
                    return options == null
                        ? _connection.CreateRoomAsync(roomType, true, ModeProperty())
                        : _connection.CreateRoomAsync(roomType, true, ModeProperty(), options);
                case RoomEntry.JoinByCode:
                    return options == null ? _connection.JoinByCodeAsync(roomCode.Trim()) : _connection.JoinByCodeAsync(roomCode.Trim(), options);
                default:
                    return options == null ? _connection.JoinAsync(roomType, ModeProperty()) : _connection.JoinAsync(roomType, ModeProperty(), options);
            }
        }

        /// <summary>The join options the game reads to place the player (a refusal's reason shows as the problem line).</summary>
        private IReadOnlyDictionary<string, string> TeamOption() =>
            string.IsNullOrWhiteSpace(team) ? null : new Dictionary<string, string> { ["team"] = team.Trim() };

        private IReadOnlyDictionary<string, string> ModeProperty() =>
            string.IsNullOrWhiteSpace(mode) ? null : new Dictionary<string, string> { ["mode"] = mode.Trim() };

        /// <summary>Surfaces a failed background call (refused handshake, full room) on screen and in the console.</summary>
        private void Observe(Task task)
        {
            // Back on the main thread (Unity's synchronization context), like every other event of this script.
            task.ContinueWith(t =>
            {
                var error = t.Exception.GetBaseException();
                _lastProblem = error.Message;
                Debug.LogException(error);
            }, System.Threading.CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.FromCurrentSynchronizationContext());
        }

        private IEnumerator FetchDevTokenThenConnect()
        {
            // ws://host:port/ws -> http://host:port/auth/dev-token?player=NAME (Development servers only).
            var socket = new Uri(serverUrl);
            var http = new UriBuilder(socket.Scheme == "wss" ? "https" : "http", socket.Host, socket.Port, "/auth/dev-token")
            {
                Query = "player=" + Uri.EscapeDataString(devTokenPlayer),
            };
            _status = "fetching a development token from " + http.Uri;
            using (var request = UnityWebRequest.Get(http.Uri))
            {
                yield return request.SendWebRequest();
                if (request.result != UnityWebRequest.Result.Success)
                {
                    _status = "no token: set Access Token, or run a Development server (" + request.error + ")";
                    yield break;
                }
                var response = JsonUtility.FromJson<DevTokenResponse>(request.downloadHandler.text);
                Connect(response.token);
            }
        }

        private static Vector2 ReadDirection()
        {
            // Arena y grows downwards (as on the browser demo's canvas), so "up" is -1.
            float dx = (Held(KeyCode.D, KeyCode.RightArrow) ? 1 : 0) - (Held(KeyCode.A, KeyCode.LeftArrow) ? 1 : 0);
            float dy = (Held(KeyCode.S, KeyCode.DownArrow) ? 1 : 0) - (Held(KeyCode.W, KeyCode.UpArrow) ? 1 : 0);
            var direction = new Vector2(dx, dy);
            return direction.sqrMagnitude > 1 ? direction.normalized : direction; // same speed diagonally
        }

        // Qualified: GameServer.Protocol has an Input message too, and both namespaces are imported.
        private static bool Held(KeyCode a, KeyCode b) => UnityEngine.Input.GetKey(a) || UnityEngine.Input.GetKey(b);

        private void SyncCubes()
        {
            var mine = _connection.Room != null ? _connection.Room.EntityId : -1;
            _seen.Clear();
            foreach (var entity in _sampled)
            {
                _seen.Add(entity.EntityId);
                GameObject cube;
                if (!_cubes.TryGetValue(entity.EntityId, out cube))
                {
                    cube = GameObject.CreatePrimitive(PrimitiveType.Cube);
                    cube.name = "Entity " + entity.EntityId;
                    cube.transform.localScale = Vector3.one * 0.3f;
                    cube.GetComponent<Renderer>().material.color = entity.EntityId == mine ? Color.yellow : ColorFor(entity.EntityId);
                    _cubes.Add(entity.EntityId, cube);
                }
                cube.transform.position = ToWorld(entity.X, entity.Y);
            }
            _gone.Clear();
            foreach (var id in _cubes.Keys)
            {
                if (!_seen.Contains(id))
                {
                    _gone.Add(id);
                }
            }
            foreach (var id in _gone)
            {
                Destroy(_cubes[id]);
                _cubes.Remove(id);
            }
        }

        private void ClearCubes()
        {
            foreach (var cube in _cubes.Values)
            {
                Destroy(cube);
            }
            _cubes.Clear();
            _interpolator.Reset();
        }

        /// <summary>Arena (x right, y down) to world: x → X, y → −Z, on the floor.</summary>
        private Vector3 ToWorld(float x, float y) =>
            new Vector3(x * metresPerUnit, 0.15f, (ArenaSize - y) * metresPerUnit);

        private void SetUpScene()
        {
            var size = ArenaSize * metresPerUnit;
            var floor = GameObject.CreatePrimitive(PrimitiveType.Plane); // 10 m square at scale 1
            floor.name = "Arena floor";
            floor.transform.position = new Vector3(size / 2, 0, size / 2);
            floor.transform.localScale = new Vector3(size / 10, 1, size / 10);
            floor.GetComponent<Renderer>().material.color = new Color(0.15f, 0.17f, 0.2f);
            var camera = Camera.main;
            if (camera != null)
            {
                // Straight down from above the centre: screen up is +Z, which is arena "up".
                camera.transform.position = new Vector3(size / 2, size * 1.1f, size / 2);
                camera.transform.rotation = Quaternion.Euler(90, 0, 0);
            }
        }

        private void UpdateStatus()
        {
            var room = _connection.Room;
            var rtt = _connection.LastRoundTrip;
            _status = _connection.State == ConnectionState.Reconnecting ? "reconnecting…" : _connection.State.ToString();
            if (room != null)
            {
                _status += "  room " + room.RoomId + "  entity " + room.EntityId + "  tick " + _connection.LastTick +
                    "  acked " + _connection.LastAckedSeq + "/" + _connection.LastSentSeq +
                    "  " + _connection.SubProtocol + " (" + _connection.DeltasReceived + " deltas)";
                if (_feed.Role != null)
                {
                    _status += "\nrole " + _feed.Role + " (view " + _feed.View + ")";
                }
                _status += "  game events " + _feed.Received;
                if (room.RoomCode != null)
                {
                    _status += "\nprivate room: friends join with code " + room.RoomCode;
                }
            }
            if (rtt.HasValue)
            {
                _status += "  rtt " + rtt.Value.TotalMilliseconds.ToString("0") + " ms";
            }
        }

        private static Color ColorFor(int entityId) => Color.HSVToRGB((entityId * 0.618f) % 1f, 0.6f, 0.95f);

        [Serializable]
        private sealed class DevTokenResponse
        {
#pragma warning disable 0649 // assigned by JsonUtility
            public string token;
            public string playerId;
#pragma warning restore 0649
        }
    }
}

using GameServer.Auth;

namespace GameServer.LoadTest;

/// <summary>One run's settings, validated; built from the command line by <see cref="Cli.LoadTestCommand"/>.</summary>
internal sealed record LoadTestOptions
{
    /// <summary>The default --url.</summary>
    public static readonly Uri DefaultUrl = new("ws://127.0.0.1:5000/ws");

    /// <summary>
    /// The server's WebSocket endpoints (edges), in --url order. Default ws://127.0.0.1:5000/ws; replaced by the spawned
    /// server's with --spawn-server. Bot i starts at endpoint i mod n and moves to the next one on each reconnect attempt.
    /// </summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [DefaultUrl];

    /// <summary>The first of <see cref="Urls"/>: the reachability check's first target and the development token endpoint's host.</summary>
    public Uri Url => Urls[0];

    /// <summary>Rooms to fill. Default 10.</summary>
    public int Rooms { get; init; } = 10;

    /// <summary>Players per room; the server fills a room before it opens the next. Default 8.</summary>
    public int PlayersPerRoom { get; init; } = 8;

    public int TargetPlayers => Rooms * PlayersPerRoom;

    /// <summary>Length of the measurement window. Default 30 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time over which the joins are spread. Default 5 s.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between the last join and the measurement window. Default 5 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Inputs per second per player. Default 20.</summary>
    public double InputRateHz { get; init; } = 20;

    /// <summary>Players per room that decode the full game state (the rest read only the tick and their ack). Default 1.</summary>
    public int ObserversPerRoom { get; init; } = 1;

    /// <summary>
    /// Offer delta snapshots (--deltas on, the default): the bots speak gameserver.v2 and the server sends most snapshots
    /// as the changes since the previous one. Off (--deltas off): gameserver.v1, every snapshot in full, to compare bytes/s.
    /// </summary>
    public bool DeltaSnapshots { get; init; } = true;

    /// <summary>
    /// How the bots reach the server (--transport): websocket (the default), or the SDK's SignalR fallback, sse
    /// (Server-Sent Events) or longpolling, to measure what players behind a WebSocket-blocking network get.
    /// </summary>
    public string Transport { get; init; } = Bots.BotTransport.WebSocket;

    /// <summary>Room type to matchmake into. Default "arena" ("tag" with --game tag).</summary>
    public string RoomType { get; init; } = "arena";

    /// <summary>The game the bots play (--game arena|tag): its join options. Default arena.</summary>
    public Bots.GameKind Game { get; init; } = Bots.GameKind.Arena;

    /// <summary>
    /// How bots get into rooms (--scenario): matchmaking (the default), or private rooms, one per group of
    /// <see cref="PlayersPerRoom"/>, created by the group's first bot and joined by code by the others.
    /// </summary>
    public Bots.RoomScenario Scenario { get; init; } = Bots.RoomScenario.Matchmade;

    /// <summary>
    /// Room properties (--property name=value, e.g. mode=duel): the matchmaking criteria of matchmade bots, the created
    /// rooms' values in the private scenario. Default none (the room type's defaults).
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Seed of the bots' random walks and send phases; null picks one (and the run prints it).</summary>
    public int? Seed { get; init; }

    /// <summary>SLO: input→ack p99 at most this, ms. Default 60.</summary>
    public double SloP99Ms { get; init; } = 60;

    /// <summary>SLO: at most this fraction of players may meet an error. Default 0.01.</summary>
    public double SloMaxErrorRate { get; init; } = 0.01;

    /// <summary>SLO: at least this many snapshots per second per player. Default 19.</summary>
    public double SloMinSnapshotRate { get; init; } = 19;

    /// <summary>SLO (off when null): the longest snapshot gap at a player and the longest drop-to-resume outage, at most this.</summary>
    public TimeSpan? SloMaxRecovery { get; init; }

    /// <summary>SLO (off when null): game time lost to a room restored from its checkpoint, at most this per restore.</summary>
    public TimeSpan? SloMaxGameTimeLost { get; init; }

    /// <summary>SLO (off when null): of the players that dropped, at least this percentage resumed their seat after every drop.</summary>
    public double? SloMinResumedPercent { get; init; }

    /// <summary>
    /// Soak with room churn (--churn): after the ramp rooms play matches of a random length between
    /// <see cref="MatchMin"/> and <see cref="MatchMax"/>; at a match's end its players leave and new players take
    /// their places after a pause, so rooms close and open; a <see cref="DropShare"/> of the players drop their
    /// connection once and resume. The server's resources are sampled every <see cref="SampleEvery"/> and judged for growth.
    /// </summary>
    public bool Churn { get; init; }

    /// <summary>With --churn: shortest match; its players then leave. Default 30 s.</summary>
    public TimeSpan MatchMin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>With --churn: longest match. Default 120 s.</summary>
    public TimeSpan MatchMax { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>With --churn: a player that left is replaced after a random pause of up to this. Default 20 s.</summary>
    public TimeSpan RejoinDelayMax { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>With --churn: share of the players that drop their connection once (no close frame) and resume their seat. Default 0.25.</summary>
    public double DropShare { get; init; } = 0.25;

    /// <summary>With --churn: time between two samples of the server's resources. Default 5 s.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>SLO with --churn: the server's RSS, GC heap and open handles may grow at most this much over the window, in %. Default 5.</summary>
    public double SloMaxGrowthPercent { get; init; } = 5;

    /// <summary>
    /// With --churn: the server processes to sample (--watch PID[=METRICS-URL], e.g. each silo and edge of a cluster).
    /// Empty: the spawned server, or --server-pid, with the metrics of the first --url's host and port.
    /// </summary>
    public IReadOnlyList<WatchedProcess> Watch { get; init; } = [];

    /// <summary>With --churn: how long the tool waits, after every player left, for the server to close its rooms.</summary>
    public TimeSpan RoomsCloseTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Folder for the result files and server.log. Default ./loadtest-results.</summary>
    public string OutputDirectory { get; init; } = "loadtest-results";

    /// <summary>Explicit result paths; null means &lt;out&gt;/loadtest-&lt;timestamp&gt;.json / .html.</summary>
    public string? JsonPath { get; init; }

    public string? HtmlPath { get; init; }

    /// <summary>Start the embedded host (Release build) for the run and stop it afterwards.</summary>
    public bool SpawnServer { get; init; }

    /// <summary>With --spawn-server: do not build the host first (it is still built if its dll is missing).</summary>
    public bool NoBuild { get; init; }

    /// <summary>With --spawn-server: the HTTP/WebSocket port; 0 picks a free one. Default 5000.</summary>
    public int ServerPort { get; init; } = 5000;

    /// <summary>With --spawn-server: CPUs the server runs on (taskset list), or null for any.</summary>
    public string? ServerCpus { get; init; }

    /// <summary>
    /// With --spawn-server: --server-setting KEY=VALUE entries, in command-line order, given to the host as --KEY=VALUE
    /// after the tool's own settings (so they win). Secret values are never shown: see <see cref="Server.ServerSettings.Redact"/>.
    /// </summary>
    public IReadOnlyList<string> ServerSettings { get; init; } = [];

    /// <summary>CPUs the load tool pins itself to, or null for any.</summary>
    public string? BotCpus { get; init; }

    /// <summary>PID of an external server to sample CPU and memory of.</summary>
    public int? ServerPid { get; init; }

    /// <summary>
    /// The server's management address (its <c>Management:Urls</c>, e.g. <c>http://127.0.0.1:5090</c>), where its
    /// /metrics is scraped for GC counts; null for the first --url's host and port (a Development server). A spawned
    /// server's is set by the tool.
    /// </summary>
    public Uri? ServerManagementUrl { get; init; }

    /// <summary>Environment variable read for <see cref="TokenKey"/> when --token-key is absent.</summary>
    public const string TokenKeyVariable = "GAMESERVER_TOKEN_KEY";

    /// <summary>
    /// The server's Auth:SigningKey (base64): the bots' tokens are signed locally with it. With --spawn-server the
    /// spawned host is given this key; null there makes a fresh one. Null without --spawn-server fetches tokens from the
    /// server's development endpoint. Never written to the result.
    /// </summary>
    public string? TokenKey { get; init; }

    /// <summary>True when <see cref="TokenKey"/> came from <see cref="TokenKeyVariable"/>, not from --token-key (for messages).</summary>
    public bool TokenKeyFromEnvironment { get; init; }

    /// <summary>The tokens' <c>iss</c>: the server's Auth:Issuer. Default "gameserver".</summary>
    public string TokenIssuer { get; init; } = "gameserver";

    /// <summary>The tokens' <c>aud</c>: the server's Auth:Audience. Default "gameserver".</summary>
    public string TokenAudience { get; init; } = "gameserver";

    /// <summary>How the token key was given, for messages: --token-key or the environment variable.</summary>
    public string TokenKeyName => TokenKeyFromEnvironment ? $"{TokenKeyVariable} (used as --token-key)" : "--token-key";

    /// <summary>Lifetime of locally signed tokens: the whole run with room to spare (ramp grace, slow start, closing).</summary>
    public TimeSpan TokenLifetime => Ramp + Warmup + Duration + TimeSpan.FromMinutes(10);

    /// <summary>Print nothing per second (only the start and the summary).</summary>
    public bool NoProgress { get; init; }

    /// <summary>One plain line per second even on a terminal.</summary>
    public bool Plain { get; init; }

    /// <summary>How long joins may run past the ramp before the stragglers are given up (each join is bounded anyway).</summary>
    public TimeSpan RampGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on connecting one player's WebSocket.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on the server answering one join.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on the spawned server becoming ready.</summary>
    public TimeSpan ServerStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Warm-up and measurement run in whole seconds, the timeline's resolution; at least one measured second.</summary>
    public int WarmupSeconds => (int)Math.Ceiling(Warmup.TotalSeconds - 1e-9);

    public int MeasureSeconds => Math.Max(1, (int)Math.Ceiling(Duration.TotalSeconds - 1e-9));

    /// <summary>Every problem with these settings, each naming the option and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Rooms < 1)
        {
            errors.Add($"--rooms must be at least 1 (got {Rooms}).");
        }
        if (PlayersPerRoom < 1)
        {
            errors.Add($"--players-per-room must be at least 1 (got {PlayersPerRoom}).");
        }
        if ((long)Rooms * PlayersPerRoom > 100_000)
        {
            errors.Add($"--rooms × --players-per-room is {(long)Rooms * PlayersPerRoom}; one tool process drives at most 100000 players.");
        }
        if (Duration <= TimeSpan.Zero)
        {
            errors.Add("--duration must be longer than 0, e.g. 30s.");
        }
        if (Ramp < TimeSpan.Zero || Warmup < TimeSpan.Zero)
        {
            errors.Add("--ramp and --warmup cannot be negative.");
        }
        if (!(InputRateHz > 0 && InputRateHz <= 200))
        {
            errors.Add($"--input-rate must be above 0 and at most 200 Hz (got {InputRateHz}).");
        }
        if (ObserversPerRoom < 0 || ObserversPerRoom > PlayersPerRoom)
        {
            errors.Add($"--observers must be between 0 and --players-per-room ({PlayersPerRoom}), got {ObserversPerRoom}.");
        }
        if (string.IsNullOrWhiteSpace(RoomType))
        {
            errors.Add("--room-type cannot be empty.");
        }
        if (Scenario == Bots.RoomScenario.Private && Churn)
        {
            errors.Add("--scenario private cannot be combined with --churn yet (a replaced group's room may have closed); use the matchmade scenario for soaks.");
        }
        if (!(SloP99Ms > 0))
        {
            errors.Add($"--slo-p99-ms must be above 0 (got {SloP99Ms}).");
        }
        if (!(SloMaxErrorRate >= 0 && SloMaxErrorRate <= 1))
        {
            errors.Add($"--slo-max-error-rate is a fraction between 0 and 1, e.g. 0.01 for 1 % (got {SloMaxErrorRate}).");
        }
        if (!(SloMinSnapshotRate >= 0))
        {
            errors.Add($"--slo-min-snapshot-rate cannot be negative (got {SloMinSnapshotRate}).");
        }
        if (SloMaxRecovery is { } recovery && recovery <= TimeSpan.Zero)
        {
            errors.Add($"--slo-max-recovery must be longer than 0, e.g. 5s (got {Cli.DurationParser.Format(recovery)}).");
        }
        if (SloMaxGameTimeLost is { } lost && lost < TimeSpan.Zero)
        {
            errors.Add($"--slo-max-game-time-lost cannot be negative, e.g. 1s (got {Cli.DurationParser.Format(lost)}).");
        }
        if (SloMinResumedPercent is { } resumed && !(resumed >= 0 && resumed <= 100))
        {
            errors.Add($"--slo-min-resumed is a percentage from 0 to 100, e.g. 100 (got {resumed}).");
        }
        if (Churn)
        {
            if (MatchMin <= TimeSpan.Zero || MatchMax < MatchMin)
            {
                errors.Add($"--match-min must be above 0 and at most --match-max (got {Cli.DurationParser.Format(MatchMin)} and {Cli.DurationParser.Format(MatchMax)}).");
            }
            if (RejoinDelayMax < TimeSpan.Zero)
            {
                errors.Add($"--rejoin-delay-max cannot be negative (got {Cli.DurationParser.Format(RejoinDelayMax)}).");
            }
            if (!(DropShare >= 0 && DropShare <= 1))
            {
                errors.Add($"--drop-share is a fraction between 0 and 1, e.g. 0.25 (got {DropShare}).");
            }
            if (SampleEvery < TimeSpan.FromSeconds(1))
            {
                errors.Add($"--sample-every must be at least 1s (got {Cli.DurationParser.Format(SampleEvery)}).");
            }
            if (!(SloMaxGrowthPercent > 0))
            {
                errors.Add($"--slo-max-growth must be above 0, e.g. 5 for 5 % (got {SloMaxGrowthPercent}).");
            }
        }
        else if (Watch.Count > 0)
        {
            errors.Add("--watch names the processes a --churn soak samples: add --churn.");
        }
        foreach (var watched in Watch)
        {
            if (watched.Pid <= 0 || !Directory.Exists($"/proc/{watched.Pid}"))
            {
                errors.Add($"--watch {watched.Pid}: no such process in /proc (is the server running, on this machine?).");
            }
        }
        if (Urls.Count == 0)
        {
            errors.Add("--url needs at least one ws:// or wss:// address, e.g. ws://127.0.0.1:5000/ws.");
        }
        if (!SpawnServer)
        {
            foreach (var url in Urls)
            {
                if (!(url.IsAbsoluteUri && url.Scheme is "ws" or "wss"))
                {
                    errors.Add($"--url must be a ws:// or wss:// address, e.g. ws://127.0.0.1:5000/ws (got {url}).");
                }
            }
            foreach (var duplicate in Urls.GroupBy(u => u.AbsoluteUri, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                errors.Add($"--url lists {duplicate.Key} {duplicate.Count()} times; give each edge once (bots are spread evenly over the list).");
            }
        }
        if (ServerPort is < 0 or > 65535)
        {
            errors.Add($"--server-port must be 0 (pick a free one) to 65535 (got {ServerPort}).");
        }
        if (ServerCpus is not null && !SpawnServer)
        {
            errors.Add("--server-cpus pins a server this tool starts: add --spawn-server, or pin your own server with taskset.");
        }
        if (ServerSettings.Count > 0 && !SpawnServer)
        {
            errors.Add($"{Server.ServerSettings.OptionName} configures the server this tool starts: add --spawn-server, "
                + "or configure your own server directly (e.g. --Edge:InputFlushLeadMs=8 on its command line).");
        }
        foreach (var setting in ServerSettings)
        {
            if (Server.ServerSettings.Problem(setting) is { } settingProblem)
            {
                errors.Add(settingProblem);
            }
        }
        if (ServerPid is not null && SpawnServer)
        {
            errors.Add("--server-pid is for a server you started; with --spawn-server the tool already knows its PID.");
        }
        if (ServerPid is { } pid && (pid <= 0 || !Directory.Exists($"/proc/{pid}")))
        {
            errors.Add($"--server-pid {pid}: no such process in /proc (is the server running, on this machine?).");
        }
        if (ServerManagementUrl is { } management && (ServerPid is null || SpawnServer))
        {
            errors.Add($"--server-management-url {management} is read only with --server-pid (a spawned server's management port is known to the tool).");
        }
        if (TokenKey is not null && TokenKeyProblem(TokenKey) is { } keyProblem)
        {
            errors.Add($"{TokenKeyName} {keyProblem}");
        }
        if (string.IsNullOrWhiteSpace(TokenIssuer))
        {
            errors.Add("--token-issuer cannot be empty: pass the server's Auth:Issuer (default gameserver).");
        }
        if (string.IsNullOrWhiteSpace(TokenAudience))
        {
            errors.Add("--token-audience cannot be empty: pass the server's Auth:Audience (default gameserver).");
        }
        foreach (var (name, list) in new[] { ("--server-cpus", ServerCpus), ("--bot-cpus", BotCpus) })
        {
            if (list is not null && !Cli.CpuList.TryParse(list, out _, out var why))
            {
                errors.Add($"{name} '{list}': {why}; use a list like 0 or 0-1 or 0,2.");
            }
        }
        return errors;
    }

    /// <summary>Why <paramref name="key"/> cannot be a server's signing key, or null when it can.</summary>
    private static string? TokenKeyProblem(string key)
    {
        if (key.Length == 0)
        {
            return "is empty: pass the server's Auth:SigningKey (base64), or leave it out.";
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            return "is not valid base64: pass the server's Auth:SigningKey exactly as it is configured (base64 of at least "
                + $"{GameAuthOptions.MinSigningKeyBytes} bytes).";
        }
        return bytes.Length < GameAuthOptions.MinSigningKeyBytes
            ? $"has {bytes.Length} bytes; a server's Auth:SigningKey has at least {GameAuthOptions.MinSigningKeyBytes}: pass the server's key as it is configured."
            : null;
    }
}

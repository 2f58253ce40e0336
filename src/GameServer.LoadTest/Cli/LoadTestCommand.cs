using System.CommandLine;
using System.CommandLine.Parsing;
using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Server;

namespace GameServer.LoadTest.Cli;

/// <summary>The command line: every option with its unit and default (shown by --help), bound to <see cref="LoadTestOptions"/>.</summary>
internal sealed class LoadTestCommand
{
    private const string Description = """
        Simulated players for GameServer: fills rooms through matchmaking, sends inputs at a fixed rate with jitter,
        measures input→ack latency, snapshot rate and jitter, bandwidth and errors per second, judges the run against
        an SLO, and writes a JSON result and an HTML report.

        Phases: ramp (joins spread over --ramp, at most 8 in flight), warm-up, measurement window (--duration);
        the timeline has one bucket per second of the whole run.

        Player tokens: every bot connects with its own signed token (player id bot-<seed>-<index>). With --spawn-server
        they are signed with a fresh key given to the spawned server; with --token-key (or GAMESERVER_TOKEN_KEY) with
        that key, the target server's Auth:SigningKey; otherwise they are fetched from the server's development
        endpoint, GET /auth/dev-token, which only a server in the Development environment has.

        Exit codes: 0 every SLO check passed, 1 an SLO check failed (or the run was interrupted),
        2 usage or setup error (bad option, server unreachable, spawn failed), 3 the tool itself failed.

        Examples:
          gameserver-loadtest --spawn-server --rooms 50 --duration 60s
          gameserver-loadtest --url ws://10.0.0.5:5000/ws --server-pid 4242 --rooms 100 --slo-p99-ms 80
          gameserver-loadtest --spawn-server --server-cpus 0 --bot-cpus 1 --rooms 100 --plain | tee run.log
          gameserver-loadtest --spawn-server --server-setting Rooms:arena:TickRateHz=30 --server-setting Edge:InputFlushLeadMs=8
          gameserver-loadtest --url ws://10.0.0.5:5000/ws,ws://10.0.0.6:5000/ws --token-key "$KEY" --rooms 20 --duration 2m \
            --slo-max-recovery 5s --slo-max-game-time-lost 1s --slo-min-resumed 100
          gameserver-loadtest --spawn-server --churn --rooms 20 --warmup 2m --duration 30m    # soak: rooms open and close all along
          gameserver-loadtest --spawn-server --scenario private --property mode=duel --rooms 20 --players-per-room 2    # friends' private rooms
          gameserver-loadtest --spawn-server --game tag --rooms 20 --players-per-room 8    # the tag game: teams, events, hidden information
          gameserver-loadtest --spawn-server --rooms 50 --deltas off    # every snapshot in full (gameserver.v1): compare bytes/s with the default

        Failures: the bots reconnect and resume their seats by themselves (Client SDK). A drop they recover from is
        not an error; the recovery figures (drops, outages, snapshot gaps, rooms restored) are in the summary, the
        report and the result's "recovery" object.
        """;

    private readonly Option<string[]> _url = new("--url")
    {
        Description = "WebSocket endpoint of the server under test; for a cluster give every edge, repeating the option or comma-separated. "
            + "Bot i connects to edge i mod n first and moves on to the next edge on each reconnect. "
            + "(Replaced by the spawned server's with --spawn-server.)",
        DefaultValueFactory = _ => [LoadTestOptions.DefaultUrl.ToString()],
        HelpName = "ws-url",
    };

    private readonly Option<int> _rooms = new("--rooms")
    {
        Description = "Rooms to fill; players = rooms × players-per-room.",
        DefaultValueFactory = _ => 10,
        HelpName = "count",
    };

    private readonly Option<int> _playersPerRoom = new("--players-per-room")
    {
        Description = "Players per room; the server fills a room before it opens the next.",
        DefaultValueFactory = _ => 8,
        HelpName = "count",
    };

    private readonly Option<string> _duration = DurationOption("--duration", "30s",
        "Measurement window, after ramp and warm-up; whole seconds (rounded up).");

    private readonly Option<string> _ramp = DurationOption("--ramp", "5s",
        "Time over which the players' joins are spread evenly (at most 8 in flight).");

    private readonly Option<string> _warmup = DurationOption("--warmup", "5s",
        "Time after the ramp before measuring; whole seconds (rounded up).");

    private readonly Option<double> _inputRate = new("--input-rate")
    {
        Description = "Inputs per second per player, in Hz; each interval has ±2.5 ms uniform jitter, each player a random phase.",
        DefaultValueFactory = _ => 20,
        HelpName = "hz",
    };

    private readonly Option<int> _observers = new("--observers")
    {
        Description = "Players per room that decode the full game state like a real client; the others read only the tick and their own ack.",
        DefaultValueFactory = _ => 1,
        HelpName = "count",
    };

    private readonly Option<string> _roomType = new("--room-type")
    {
        Description = "Room type to matchmake into (join-or-create). [default: the --game's, arena or tag]",
        HelpName = "type",
    };

    private readonly Option<string> _game = new("--game")
    {
        Description = "The game the bots play: arena, or tag (room type tag; bots join with the join option team, red and blue in turn, "
            + "and move as arena bots do). The report counts the game events received per second and the joins the game refused.",
        DefaultValueFactory = _ => "arena",
        HelpName = "arena|tag",
    };

    private readonly Option<string> _deltas = new("--deltas")
    {
        Description = "Delta snapshots: on, the bots offer gameserver.v2 and the server sends most snapshots as the changes since the previous one; "
            + "off, they speak gameserver.v1 and get every snapshot in full. Run both to compare bytes/s per player. The result reports the share "
            + "of snapshots that came as deltas and the keyframe requests (a delta that did not apply); with on, any keyframe request fails the SLO.",
        DefaultValueFactory = _ => "on",
        HelpName = "on|off",
    };

    private readonly Option<string> _transport = new("--transport")
    {
        Description = "How the bots reach the server: websocket (the default), or the fallback for networks that block WebSockets, over the "
            + "server's SignalR hub at /hub: sse (Server-Sent Events, json hub protocol) or longpolling (messagepack hub protocol). The same --url "
            + "works for all (ws://host/ws is reached as http://host/hub). The result and report say which transport was measured.",
        DefaultValueFactory = _ => "websocket",
        HelpName = "websocket|sse|longpolling",
    };

    private readonly Option<string> _scenario = new("--scenario")
    {
        Description = "How bots get into rooms: matchmade (join-or-create, the --property values as criteria) or private (bots in groups of "
            + "--players-per-room: the first of each group creates a private room with the --property values, the others join it by its code). "
            + "A server you started must allow that many code joins from the tool's one address: raise its Edge:CodeAttemptsPerMinutePerIp "
            + "(default 20 a minute); a spawned server is set up for it.",
        DefaultValueFactory = _ => "matchmade",
        HelpName = "matchmade|private",
    };

    private readonly Option<string[]> _property = new("--property")
    {
        Description = "A room property as name=value, e.g. mode=duel; repeat for more. Matchmaking criteria with --scenario matchmade "
            + "(players asking for different values never share a room), the created rooms' values with --scenario private. [default: none, the room type's defaults]",
        HelpName = "name=value",
    };

    private readonly Option<int?> _seed = new("--seed")
    {
        Description = "Seed of the bots' random walks and send phases, to repeat a run. [default: random, printed at start]",
        HelpName = "int",
    };

    private readonly Option<double> _sloP99 = new("--slo-p99-ms")
    {
        Description = "SLO: input→ack latency p99 over the window, at most this many milliseconds.",
        DefaultValueFactory = _ => 60,
        HelpName = "ms",
    };

    private readonly Option<double> _sloErrorRate = new("--slo-max-error-rate")
    {
        Description = "SLO: at most this fraction of players may meet an error (failed connect or join, a lost seat, server error; a drop the bot resumes from is not one); 0.01 = 1 %.",
        DefaultValueFactory = _ => 0.01,
        HelpName = "fraction",
    };

    private readonly Option<double> _sloSnapshotRate = new("--slo-min-snapshot-rate")
    {
        Description = "SLO: at least this many snapshots per second per player over the window, each player's outage time (reconnecting, or a gap over 1 s) left out.",
        DefaultValueFactory = _ => 19,
        HelpName = "per-second",
    };

    private readonly Option<string?> _sloMaxRecovery = new("--slo-max-recovery")
    {
        Description = "SLO, off unless given: the longest gap between two snapshots at a player (a silo's rooms moving) and the longest "
            + "drop-to-resume outage (an edge lost), at most this; e.g. 5s.",
        HelpName = "duration",
    };

    private readonly Option<string?> _sloMaxGameTimeLost = new("--slo-max-game-time-lost")
    {
        Description = "SLO, off unless given: game time replayed when a room is restored from its checkpoint (ticks replayed / tick rate), "
            + "at most this per restore; e.g. 1s.",
        HelpName = "duration",
    };

    private readonly Option<double?> _sloMinResumed = new("--slo-min-resumed")
    {
        Description = "SLO, off unless given: of the players whose connection dropped, at least this percentage got their seat back "
            + "after every drop; e.g. 100.",
        HelpName = "percent",
    };

    private readonly Option<bool> _churn = new("--churn")
    {
        Description = "Soak with room churn: after the ramp rooms play matches of a random length (--match-min to --match-max); "
            + "when a match ends its players leave and new players take their places after a pause (--rejoin-delay-max), so rooms "
            + "close and open all along; --drop-share of the players drop their connection once and resume. The server's memory, "
            + "GC heap, threads, handles, grain activations and rooms are sampled every --sample-every; the SLO adds growth "
            + "limits (--slo-max-growth), every room closed after the players left, and zero errors.",
    };

    private readonly Option<string> _matchMin = DurationOption("--match-min", "30s", "With --churn: shortest match; its players then leave.");

    private readonly Option<string> _matchMax = DurationOption("--match-max", "120s", "With --churn: longest match.");

    private readonly Option<string> _rejoinDelayMax = DurationOption("--rejoin-delay-max", "20s",
        "With --churn: a player that left is replaced after a random pause of up to this.");

    private readonly Option<double> _dropShare = new("--drop-share")
    {
        Description = "With --churn: share of the players that drop their connection once, at a random moment (no close frame), and resume their seat.",
        DefaultValueFactory = _ => 0.25,
        HelpName = "fraction",
    };

    private readonly Option<string> _sampleEvery = DurationOption("--sample-every", "5s", "With --churn: time between samples of the server's resources.");

    private readonly Option<double> _sloMaxGrowth = new("--slo-max-growth")
    {
        Description = "SLO with --churn: the server's RSS, GC heap and open handles may grow at most this much over the window "
            + "(median of its last fifth against its first fifth).",
        DefaultValueFactory = _ => 5,
        HelpName = "percent",
    };

    private readonly Option<string[]> _watch = new("--watch")
    {
        Description = "With --churn: a server process to sample, " + WatchedProcess.Syntax + " (repeat for each silo and edge of a cluster). "
            + "Default: the spawned server, or --server-pid, with /metrics on the first --url's host and port.",
        HelpName = "pid[=url]",
    };

    private readonly Option<string> _out = new("--out")
    {
        Description = "Folder for loadtest-<yyyyMMdd-HHmmss>.json and .html (and server.log with --spawn-server).",
        DefaultValueFactory = _ => "./loadtest-results",
        HelpName = "dir",
    };

    private readonly Option<string?> _json = new("--json")
    {
        Description = "Write the JSON result to this file instead of the --out folder.",
        HelpName = "file",
    };

    private readonly Option<string?> _html = new("--html")
    {
        Description = "Write the HTML report to this file instead of the --out folder.",
        HelpName = "file",
    };

    private readonly Option<bool> _spawnServer = new("--spawn-server")
    {
        Description = "Build (Release) and start the embedded host, src/GameServer.Host, for the run on free silo and gateway ports; it is stopped (SIGTERM) at the end and its output goes to <out>/server.log.",
    };

    private readonly Option<bool> _noBuild = new("--no-build")
    {
        Description = "With --spawn-server: use the existing Release build of the host (it is built anyway if missing).",
    };

    private readonly Option<int> _serverPort = new("--server-port")
    {
        Description = "With --spawn-server: the host's HTTP/WebSocket port on 127.0.0.1; 0 picks a free one.",
        DefaultValueFactory = _ => 5000,
        HelpName = "port",
    };

    private readonly Option<string?> _serverCpus = new("--server-cpus")
    {
        Description = "With --spawn-server: CPUs the host may run on (taskset -c list), e.g. 0 or 0-1. [default: any]",
        HelpName = "list",
    };

    private readonly Option<string[]> _serverSettings = new(ServerSettings.OptionName)
    {
        Description = "With --spawn-server: a configuration setting for the host, given to it as --KEY=VALUE after the tool's own, so it wins "
            + "(e.g. Rooms:arena:TickRateHz=30 or Edge:InputFlushLeadMs=8); repeat for more. Recorded in the result; the value of a key "
            + "containing SigningKey or Password is passed in the host's environment and shown as ***.",
        HelpName = "key=value",
    };

    private readonly Option<string?> _botCpus = new("--bot-cpus")
    {
        Description = "CPUs this tool pins itself to (all its threads), e.g. 1 or 2-3. [default: any]",
        HelpName = "list",
    };

    private readonly Option<int?> _serverPid = new("--server-pid")
    {
        Description = "PID of a server you started (same machine): its CPU (% of one core), memory and context switches are sampled from /proc into the result, "
            + "and its GC collections are read from /metrics on the first --url's host and port.",
        HelpName = "pid",
    };

    private readonly Option<string?> _serverManagementUrl = new("--server-management-url")
    {
        Description = "With --server-pid: the server's management address (its Management:Urls, e.g. http://127.0.0.1:5090), where its /metrics answers "
            + "outside Development. [default: the first --url's host and port, which only a Development server answers /metrics on]",
        HelpName = "url",
    };

    private readonly Option<string?> _tokenKey = new("--token-key")
    {
        Description = "The server's Auth:SigningKey (base64, at least 32 bytes): the bots' tokens are signed locally with it, and a spawned server is given it. "
            + "Also read from the " + LoadTestOptions.TokenKeyVariable + " environment variable, which keeps it out of the process list. "
            + "[default: with --spawn-server a fresh key; otherwise tokens from the server's /auth/dev-token]",
        HelpName = "base64",
    };

    private readonly Option<string> _tokenIssuer = new("--token-issuer")
    {
        Description = "Issuer (iss) of the signed tokens: the server's Auth:Issuer.",
        DefaultValueFactory = _ => "gameserver",
        HelpName = "iss",
    };

    private readonly Option<string> _tokenAudience = new("--token-audience")
    {
        Description = "Audience (aud) of the signed tokens: the server's Auth:Audience.",
        DefaultValueFactory = _ => "gameserver",
        HelpName = "aud",
    };

    private readonly Option<bool> _plain = new("--plain")
    {
        Description = "One plain line per second even on a terminal (the default when output is redirected).",
    };

    private readonly Option<bool> _noProgress = new("--no-progress")
    {
        Description = "No per-second progress; print only the start, errors and the summary.",
    };

    private readonly Func<string, string?> _environment;

    /// <param name="environment">Reads an environment variable (<see cref="LoadTestOptions.TokenKeyVariable"/>); tests pass their own.</param>
    public LoadTestCommand(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _serverManagementUrl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text
                && (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                result.AddError($"--server-management-url '{text}' is not an http:// or https:// address; e.g. http://127.0.0.1:5090 (the server's Management:Urls).");
            }
        });
        _url.Validators.Add(result =>
        {
            var texts = result.GetValueOrDefault<string[]>() ?? [];
            if (SplitUrls(texts).Count == 0)
            {
                result.AddError("--url is empty; give a ws:// or wss:// address, e.g. ws://127.0.0.1:5000/ws.");
            }
            foreach (var text in SplitUrls(texts))
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
                {
                    result.AddError($"--url '{text}' is not a ws:// or wss:// address; e.g. ws://127.0.0.1:5000/ws.");
                }
            }
        });
        _watch.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!WatchedProcess.TryParse(text, out _, out var why))
                {
                    result.AddError($"--watch '{text}': {why}; use {WatchedProcess.Syntax}.");
                }
            }
        });
        _deltas.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text and not ("on" or "off"))
            {
                result.AddError($"--deltas '{text}' is not on or off: use on (the default, gameserver.v2) or off (gameserver.v1, every snapshot in full).");
            }
        });
        _transport.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text && !BotTransport.Names.Contains(text))
            {
                result.AddError($"--transport '{text}' is not a transport: use websocket (the default), sse or longpolling.");
            }
        });
        _game.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text and not ("arena" or "tag"))
            {
                result.AddError($"--game '{text}' is not a game: use arena (the default) or tag.");
            }
        });
        _scenario.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text and not ("matchmade" or "private"))
            {
                result.AddError($"--scenario '{text}' is not a scenario: use matchmade (the default) or private.");
            }
        });
        _property.Validators.Add(result =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParseProperty(text, out var name, out _))
                {
                    result.AddError($"--property '{text}' is not name=value; e.g. --property mode=duel.");
                }
                else if (!names.Add(name))
                {
                    result.AddError($"--property {name} is given twice; give each property once.");
                }
            }
        });
        AddDurationValidator(_sloMaxRecovery);
        AddDurationValidator(_sloMaxGameTimeLost);
        Root = new RootCommand(Description)
        {
            _url, _rooms, _playersPerRoom, _duration, _ramp, _warmup, _inputRate, _observers, _game, _roomType, _scenario, _property, _deltas, _transport, _seed,
            _sloP99, _sloErrorRate, _sloSnapshotRate, _sloMaxRecovery, _sloMaxGameTimeLost, _sloMinResumed, _out, _json, _html,
            _spawnServer, _noBuild, _serverPort, _serverCpus, _serverSettings, _botCpus, _serverPid, _serverManagementUrl, _tokenKey, _tokenIssuer, _tokenAudience,
            _plain, _noProgress, _churn, _matchMin, _matchMax, _rejoinDelayMax, _dropShare, _sampleEvery, _sloMaxGrowth, _watch,
        };
    }

    public RootCommand Root { get; }

    /// <summary>The options from a parse without errors (validators already checked the durations and URL).</summary>
    public LoadTestOptions Bind(ParseResult result)
    {
        // The environment variable counts only when the option is absent: a typed --token-key always wins.
        var tokenKey = result.GetValue(_tokenKey);
        var tokenKeyFromEnvironment = false;
        if (result.GetResult(_tokenKey) is null && _environment(LoadTestOptions.TokenKeyVariable) is { Length: > 0 } variable)
        {
            tokenKey = variable.Trim();
            tokenKeyFromEnvironment = true;
        }
        return Bind(result, tokenKey, tokenKeyFromEnvironment);
    }

    private LoadTestOptions Bind(ParseResult result, string? tokenKey, bool tokenKeyFromEnvironment) => new()
    {
        Urls = [.. SplitUrls(result.GetValue(_url) ?? []).Select(text => new Uri(text))],
        Rooms = result.GetValue(_rooms),
        PlayersPerRoom = result.GetValue(_playersPerRoom),
        Duration = Duration(result.GetValue(_duration)),
        Ramp = Duration(result.GetValue(_ramp)),
        Warmup = Duration(result.GetValue(_warmup)),
        InputRateHz = result.GetValue(_inputRate),
        ObserversPerRoom = result.GetValue(_observers),
        Game = result.GetValue(_game) == "tag" ? GameKind.Tag : GameKind.Arena,
        RoomType = result.GetValue(_roomType) ?? (result.GetValue(_game) == "tag" ? "tag" : "arena"),
        Scenario = result.GetValue(_scenario) == "private" ? RoomScenario.Private : RoomScenario.Matchmade,
        Properties = Properties(result.GetValue(_property) ?? []),
        DeltaSnapshots = result.GetValue(_deltas) != "off",
        Transport = result.GetValue(_transport) ?? BotTransport.WebSocket,
        Seed = result.GetValue(_seed),
        SloP99Ms = result.GetValue(_sloP99),
        SloMaxErrorRate = result.GetValue(_sloErrorRate),
        SloMinSnapshotRate = result.GetValue(_sloSnapshotRate),
        SloMaxRecovery = OptionalDuration(result.GetValue(_sloMaxRecovery)),
        SloMaxGameTimeLost = OptionalDuration(result.GetValue(_sloMaxGameTimeLost)),
        SloMinResumedPercent = result.GetValue(_sloMinResumed),
        OutputDirectory = result.GetValue(_out)!,
        JsonPath = result.GetValue(_json),
        HtmlPath = result.GetValue(_html),
        SpawnServer = result.GetValue(_spawnServer),
        NoBuild = result.GetValue(_noBuild),
        ServerPort = result.GetValue(_serverPort),
        ServerCpus = result.GetValue(_serverCpus),
        ServerSettings = result.GetValue(_serverSettings) ?? [],
        BotCpus = result.GetValue(_botCpus),
        ServerPid = result.GetValue(_serverPid),
        ServerManagementUrl = result.GetValue(_serverManagementUrl) is { } management ? new Uri(management) : null,
        TokenKey = tokenKey,
        TokenKeyFromEnvironment = tokenKeyFromEnvironment,
        TokenIssuer = result.GetValue(_tokenIssuer)!,
        TokenAudience = result.GetValue(_tokenAudience)!,
        Plain = result.GetValue(_plain),
        NoProgress = result.GetValue(_noProgress),
        Churn = result.GetValue(_churn),
        MatchMin = Duration(result.GetValue(_matchMin)),
        MatchMax = Duration(result.GetValue(_matchMax)),
        RejoinDelayMax = Duration(result.GetValue(_rejoinDelayMax)),
        DropShare = result.GetValue(_dropShare),
        SampleEvery = Duration(result.GetValue(_sampleEvery)),
        SloMaxGrowthPercent = result.GetValue(_sloMaxGrowth),
        Watch = [.. (result.GetValue(_watch) ?? []).Select(text => WatchedProcess.TryParse(text, out var watched, out _) ? watched! : throw new InvalidOperationException($"'{text}' passed validation but is not a process."))],
    };

    /// <summary>True when --url was typed rather than defaulted (it is ignored with --spawn-server).</summary>
    public bool UrlGiven(ParseResult result) => result.GetResult(_url) is { Implicit: false };

    /// <summary>
    /// Every --url value split at commas, in order, blanks dropped: "--url a,b --url c" is a, b, c. A comma cannot be part
    /// of a WebSocket URL the tool needs (no query strings), so splitting is safe.
    /// </summary>
    internal static IReadOnlyList<string> SplitUrls(IEnumerable<string> values) =>
        [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>Splits <c>name=value</c> at the first '='; both sides trimmed and non-empty.</summary>
    internal static bool TryParseProperty(string text, out string name, out string value)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        name = equals > 0 ? text[..equals].Trim() : "";
        value = equals > 0 ? text[(equals + 1)..].Trim() : "";
        return name.Length > 0 && value.Length > 0;
    }

    private static Dictionary<string, string> Properties(IEnumerable<string> texts)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            properties[TryParseProperty(text, out var name, out var value) ? name : throw new InvalidOperationException($"'{text}' passed validation but is not name=value.")] = value;
        }
        return properties;
    }

    private static Option<string> DurationOption(string name, string defaultValue, string description)
    {
        var option = new Option<string>(name)
        {
            Description = description + " e.g. 500ms, 30s, 2m, or plain seconds.",
            DefaultValueFactory = _ => defaultValue,
            HelpName = "duration",
        };
        AddDurationValidator(option);
        return option;
    }

    private static void AddDurationValidator<T>(Option<T> option) => option.Validators.Add(result =>
    {
        var text = result.GetValueOrDefault<string?>();
        if (text is not null && !DurationParser.TryParse(text, out _))
        {
            result.AddError($"{option.Name} '{text}' is not a duration: use {DurationParser.Syntax}.");
        }
    });

    private static TimeSpan? OptionalDuration(string? text) => text is null ? null : Duration(text);

    private static TimeSpan Duration(string? text) =>
        DurationParser.TryParse(text, out var duration) ? duration : throw new InvalidOperationException($"'{text}' passed validation but is not a duration.");
}

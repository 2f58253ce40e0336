using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GameServer.Auth;
using GameServer.LoadTest.Cli;

namespace GameServer.LoadTest.Tests;

/// <summary>Exit code 2 for everything that stops a run before it starts, with a message naming the option.</summary>
public sealed class LoadTestCliTests
{
    [Theory]
    [InlineData("--rooms", "0")]
    [InlineData("--rooms", "many")]
    [InlineData("--duration", "soon")]
    [InlineData("--observers", "9")]
    [InlineData("--bot-cpus", "2-1")]
    [InlineData("--server-cpus", "0")]
    [InlineData("--url", "http://127.0.0.1:5000/ws")]
    [InlineData("--no-such-option", "1")]
    [InlineData("--token-issuer", "")]
    [InlineData("--token-audience", " ")]
    [InlineData("--url", "ws://127.0.0.1:5001/ws,http://127.0.0.1:5002/ws")]
    [InlineData("--url", "ws://127.0.0.1:5001/ws,ws://127.0.0.1:5001/ws")]
    [InlineData("--url", " , ")]
    [InlineData("--slo-max-recovery", "soon")]
    [InlineData("--slo-max-recovery", "0")]
    [InlineData("--slo-max-game-time-lost", "-1s")]
    [InlineData("--slo-min-resumed", "101")]
    [InlineData("--slo-min-resumed", "all")]
    [InlineData("--server-management-url", "ws://127.0.0.1:5090")]
    [InlineData("--server-management-url", "http://127.0.0.1:5090")] // without --server-pid nothing is scraped
    [InlineData("--scenario", "lobby")]
    [InlineData("--property", "mode")]
    [InlineData("--property", "=duel")]
    [InlineData("--property", "mode=")]
    [InlineData("--deltas", "maybe")]
    [InlineData("--game", "chess")]
    [InlineData("--transport", "carrier-pigeon")]
    public async Task Run_WithABadOption_ExitsWith2AndNamesTheProblem(string option, string value)
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync([option, value], output, CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        Assert.Contains("error:", output.ToString());
        Assert.Contains(option.TrimStart('-').Split('-')[0], output.ToString());
    }

    [Fact]
    public async Task Run_AgainstAPortNobodyListensOn_ExitsWith2BeforeTheRamp()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var output = new StringWriter();
        var dir = Directory.CreateTempSubdirectory("loadtest-cli-");
        try
        {
            var exit = await LoadTestCli.RunAsync(["--url", $"ws://127.0.0.1:{port}/ws", "--out", dir.FullName], output, CancellationToken.None);

            Assert.Equal(ExitCodes.UsageOrSetup, exit);
            Assert.Contains("Cannot reach", output.ToString());
            Assert.Empty(dir.GetFiles("*.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Help_ListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--help"], output, CancellationToken.None);

        Assert.Equal(0, exit);
        var help = output.ToString();
        foreach (var expected in new[] { "--url", "--rooms", "--players-per-room", "--duration", "--ramp", "--warmup", "--input-rate", "--observers", "--room-type",
            "--seed", "--slo-p99-ms", "--slo-max-error-rate", "--slo-min-snapshot-rate", "--out", "--json", "--html", "--spawn-server", "--no-build",
            "--server-port", "--server-cpus", "--bot-cpus", "--server-pid", "--server-management-url", "--plain", "--no-progress", "[default: 30s]", "[default: 60]", "Exit codes",
            "--token-key", "--token-issuer", "--token-audience", "[default: gameserver]", "GAMESERVER_TOKEN_KEY", "/auth/dev-token",
            "--slo-max-recovery", "--slo-max-game-time-lost", "--slo-min-resumed", "comma-separated", "--scenario", "[default: matchmade]", "--property", "name=value",
            "--deltas", "on|off", "[default: on]", "--game", "arena|tag", "[default: arena]", "--transport", "websocket|sse|longpolling", "[default: websocket]" })
        {
            Assert.Contains(expected, help);
        }
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")] // valid base64 of 5 bytes: too short for a server's key
    public async Task Run_WithABadTokenKey_ExitsWith2AndNamesTokenKey(string key)
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--token-key", key], output, NoEnvironment, CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        var text = output.ToString();
        Assert.Contains("error: --token-key", text);
        Assert.Contains("Auth:SigningKey", text);
    }

    [Fact]
    public async Task Run_WithAnInvalidTokenKeyInTheEnvironment_ExitsWith2AndNamesTheVariable()
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--rooms", "1"], output, WithTokenKeyVariable("not base64!"), CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        Assert.Contains("GAMESERVER_TOKEN_KEY (used as --token-key) is not valid base64", output.ToString());
    }

    [Fact]
    public void Bind_TokenOptions_DefaultToGameserverAndNoKey()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse([]));

        Assert.Null(options.TokenKey);
        Assert.Equal("gameserver", options.TokenIssuer);
        Assert.Equal("gameserver", options.TokenAudience);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_TokenOptions_AreRead()
    {
        var key = GameTokenIssuer.NewSigningKey();
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(["--token-key", key, "--token-issuer", "login.example", "--token-audience", "game-eu"]));

        Assert.Equal(key, options.TokenKey);
        Assert.False(options.TokenKeyFromEnvironment);
        Assert.Equal("login.example", options.TokenIssuer);
        Assert.Equal("game-eu", options.TokenAudience);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_WithoutTokenKey_ReadsTheEnvironmentVariable()
    {
        var key = GameTokenIssuer.NewSigningKey();
        var command = new LoadTestCommand(WithTokenKeyVariable(key));

        var options = command.Bind(command.Root.Parse([]));

        Assert.Equal(key, options.TokenKey);
        Assert.True(options.TokenKeyFromEnvironment);
    }

    [Fact]
    public void Bind_TokenKeyOption_WinsOverTheEnvironmentVariable()
    {
        var typed = GameTokenIssuer.NewSigningKey();
        var command = new LoadTestCommand(WithTokenKeyVariable(GameTokenIssuer.NewSigningKey()));

        var options = command.Bind(command.Root.Parse(["--token-key", typed]));

        Assert.Equal(typed, options.TokenKey);
        Assert.False(options.TokenKeyFromEnvironment);
    }

    [Fact]
    public void TokenLifetime_CoversTheWholeRunWithTenMinutesToSpare()
    {
        var options = new LoadTestOptions { Ramp = TimeSpan.FromSeconds(20), Warmup = TimeSpan.FromSeconds(5), Duration = TimeSpan.FromMinutes(30) };

        Assert.Equal(TimeSpan.FromSeconds(20 + 5 + 1800 + 600), options.TokenLifetime);
    }

    [Fact]
    public void SpawnedServerSettings_GiveTheKeyAndLiftTheConnectionLimits()
    {
        var key = GameTokenIssuer.NewSigningKey();

        var settings = LoadTestCli.SpawnedServerSettings(new LoadTestOptions { TokenIssuer = "iss", TokenAudience = "aud" }, key);

        Assert.Contains("--Auth:SigningKey=" + key, settings);
        Assert.Contains("--Auth:Issuer=iss", settings);
        Assert.Contains("--Auth:Audience=aud", settings);
        Assert.Contains("--Edge:MaxConnectionsPerIp=1000000", settings);
        Assert.Contains("--Edge:MaxConnections=1000000", settings);
        Assert.DoesNotContain(settings, s => s.StartsWith("--Edge:InputsPerSecond=", StringComparison.Ordinal)); // 20 Hz fits the default
    }

    [Fact]
    public void SpawnedServerSettings_AboveTwentyHz_RaiseTheInputLimit()
    {
        var settings = LoadTestCli.SpawnedServerSettings(new LoadTestOptions { InputRateHz = 60 }, GameTokenIssuer.NewSigningKey());

        Assert.Contains("--Edge:InputsPerSecond=90", settings);
        Assert.Contains("--Edge:InputBurst=45", settings);
    }

    [Fact]
    public async Task Run_AgainstAServerWithoutTheDevelopmentTokenEndpoint_ExitsWith2AndNamesTokenKey()
    {
        using var server = new FakeHttpServer(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var output = new StringWriter();
        var dir = Directory.CreateTempSubdirectory("loadtest-cli-");
        try
        {
            var exit = await LoadTestCli.RunAsync(["--url", server.WebSocketUrl("/ws").ToString(), "--out", dir.FullName], output, NoEnvironment, CancellationToken.None);

            Assert.Equal(ExitCodes.UsageOrSetup, exit);
            var text = output.ToString();
            Assert.Contains("the server has no development token endpoint; pass --token-key with the server's Auth:SigningKey", text);
            Assert.Contains("/auth/dev-token", Assert.Single(server.Paths));
            Assert.Empty(dir.GetFiles("*.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bind_Url_IsRepeatableAndCommaSeparatedInOrder()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(["--url", "ws://10.0.0.5:5000/ws, ws://10.0.0.6:5000/ws", "--url", "wss://edge-3.example/ws"]));

        Assert.Equal(["ws://10.0.0.5:5000/ws", "ws://10.0.0.6:5000/ws", "wss://edge-3.example/ws"], options.Urls.Select(u => u.ToString()));
        Assert.Equal(new Uri("ws://10.0.0.5:5000/ws"), options.Url);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_Property_IsRepeatable_AndScenarioPrivateIsRead()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(["--scenario", "private", "--property", "mode=duel", "--property", " map = ruins=2 "]));

        Assert.Equal(Bots.RoomScenario.Private, options.Scenario);
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "duel", ["map"] = "ruins=2" }, options.Properties);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_WithoutScenarioOrProperty_MatchmakesWithNoCriteria()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse([]));

        Assert.Equal(Bots.RoomScenario.Matchmade, options.Scenario);
        Assert.Empty(options.Properties);
    }

    [Theory]
    [InlineData(new string[0], "Arena", "arena")]
    [InlineData(new[] { "--game", "arena" }, "Arena", "arena")]
    [InlineData(new[] { "--game", "tag" }, "Tag", "tag")]
    [InlineData(new[] { "--game", "tag", "--room-type", "tag-v2" }, "Tag", "tag-v2")] // a typed room type wins
    public void Bind_Game_PicksTheRoomTypeUnlessOneIsGiven(string[] args, string game, string roomType)
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(args));

        Assert.Equal(game, options.Game.ToString());
        Assert.Equal(roomType, options.RoomType);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Parse_TheSamePropertyTwice_IsAnErrorNamingIt()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var parse = command.Root.Parse(["--property", "mode=duel", "--property", "mode=ffa"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--property mode is given twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PrivateScenarioWithChurn_IsRefused()
    {
        var errors = new LoadTestOptions { Scenario = Bots.RoomScenario.Private, Churn = true }.Validate();

        Assert.Contains(errors, e => e.Contains("--scenario private", StringComparison.Ordinal) && e.Contains("--churn", StringComparison.Ordinal));
    }

    [Fact]
    public void SpawnedServerSettings_PrivateScenario_LiftTheCodeAttemptLimitPerAddress()
    {
        var key = GameTokenIssuer.NewSigningKey();

        var privateRooms = LoadTestCli.SpawnedServerSettings(new LoadTestOptions { Scenario = Bots.RoomScenario.Private }, key);
        var matchmade = LoadTestCli.SpawnedServerSettings(new LoadTestOptions(), key);

        Assert.Contains("--Edge:CodeAttemptsPerMinutePerIp=100000", privateRooms);
        Assert.DoesNotContain(matchmade, s => s.StartsWith("--Edge:CodeAttemptsPerMinutePerIp=", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_WithoutUrl_IsTheOneDefaultEndpoint()
    {
        var command = new LoadTestCommand(NoEnvironment);
        var parse = command.Root.Parse([]);

        var options = command.Bind(parse);

        Assert.Equal([LoadTestOptions.DefaultUrl], options.Urls);
        Assert.False(command.UrlGiven(parse));
    }

    [Fact]
    public void Bind_Deltas_AreOnByDefault_AndTheirKeyframeCheckWithThem()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse([]));

        Assert.True(options.DeltaSnapshots);
        Assert.Equal(0, Slo.SloThresholds.From(options).MaxKeyframeRequests);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    public void Bind_Deltas_OnOrOff_IsRead_AndOffHasNoKeyframeCheck(string value, bool expected)
    {
        var command = new LoadTestCommand(NoEnvironment);

        var parse = command.Root.Parse(["--deltas", value]);
        var options = command.Bind(parse);

        Assert.Empty(parse.Errors);
        Assert.Equal(expected, options.DeltaSnapshots);
        Assert.Equal(expected ? 0 : null, Slo.SloThresholds.From(options).MaxKeyframeRequests);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_RecoverySlos_AreOffUnlessGiven()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse([]));

        Assert.Null(options.SloMaxRecovery);
        Assert.Null(options.SloMaxGameTimeLost);
        Assert.Null(options.SloMinResumedPercent);
        var thresholds = Slo.SloThresholds.From(options);
        Assert.Null(thresholds.MaxRecoveryMs);
        Assert.Null(thresholds.MaxGameTimeLostMs);
        Assert.Null(thresholds.MinResumedPercent);
    }

    [Fact]
    public void Bind_RecoverySlos_AreReadWithTheirUnits()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(["--slo-max-recovery", "5s", "--slo-max-game-time-lost", "750ms", "--slo-min-resumed", "99.5"]));

        Assert.Equal(TimeSpan.FromSeconds(5), options.SloMaxRecovery);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.SloMaxGameTimeLost);
        Assert.Equal(99.5, options.SloMinResumedPercent);
        Assert.Empty(options.Validate());
        var thresholds = Slo.SloThresholds.From(options);
        Assert.Equal(5_000, thresholds.MaxRecoveryMs);
        Assert.Equal(750, thresholds.MaxGameTimeLostMs);
        Assert.Equal(99.5, thresholds.MinResumedPercent);
    }

    [Fact]
    public async Task Run_WithSeveralUrls_ChecksEveryOneBeforeTheRamp()
    {
        // The first edge accepts the reachability check's WebSocket; the second is a port nobody listens on.
        using var edge = new FakeHttpServer(async context =>
        {
            if (!context.Request.IsWebSocketRequest)
            {
                context.Response.StatusCode = 404;
                return;
            }
            var accepted = await context.AcceptWebSocketAsync(Protocol.ProtocolVersion.SubProtocol);
            var buffer = new byte[256];
            while (accepted.WebSocket.State == WebSocketState.Open)
            {
                var read = await accepted.WebSocket.ReceiveAsync(buffer, CancellationToken.None);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    await accepted.WebSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                }
            }
        });
        var dead = $"ws://127.0.0.1:{UnusedPort()}/ws";
        var output = new StringWriter();
        var dir = Directory.CreateTempSubdirectory("loadtest-cli-");
        try
        {
            var exit = await LoadTestCli.RunAsync(
                ["--url", edge.WebSocketUrl("/ws") + "," + dead, "--token-key", GameTokenIssuer.NewSigningKey(), "--out", dir.FullName],
                output, NoEnvironment, CancellationToken.None);

            Assert.Equal(ExitCodes.UsageOrSetup, exit);
            Assert.Contains("Cannot reach " + dead, output.ToString());
            Assert.Contains("/ws", Assert.Single(edge.Paths));
            Assert.Empty(dir.GetFiles("*.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? NoEnvironment(string name) => null;

    private static Func<string, string?> WithTokenKeyVariable(string tokenKey) =>
        name => name == LoadTestOptions.TokenKeyVariable ? tokenKey : null;
}

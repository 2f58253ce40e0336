using GameServer.Auth;
using GameServer.LoadTest.Cli;
using GameServer.LoadTest.Server;
using Microsoft.Extensions.Configuration;

namespace GameServer.LoadTest.Tests;

/// <summary>--server-setting KEY=VALUE: parsing, the --spawn-server requirement, redaction of secrets, and order.</summary>
public sealed class ServerSettingTests
{
    private const string Secret = "hunter2-do-not-print";

    [Fact]
    public void Bind_RepeatedServerSetting_KeepsEveryOneInCommandLineOrder()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(
            ["--spawn-server", "--server-setting", "Rooms:arena:TickRateHz=30", "--server-setting", "Edge:InputFlushLeadMs=8", "--server-setting", "Motd=a=b"]));

        Assert.Equal(["Rooms:arena:TickRateHz=30", "Edge:InputFlushLeadMs=8", "Motd=a=b"], options.ServerSettings);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_WithoutServerSetting_HasNone()
    {
        var command = new LoadTestCommand(NoEnvironment);

        var options = command.Bind(command.Root.Parse(["--spawn-server"]));

        Assert.Empty(options.ServerSettings);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task Help_ListsServerSetting()
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--help"], output, NoEnvironment, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("--server-setting <key=value>", output.ToString());
    }

    [Fact]
    public async Task Run_ServerSettingWithoutSpawnServer_ExitsWith2AndNamesTheOption()
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--server-setting", "Edge:InputFlushLeadMs=8"], output, NoEnvironment, CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        var text = output.ToString();
        Assert.Contains("error: --server-setting configures the server this tool starts: add --spawn-server", text);
        Assert.DoesNotContain("Cannot reach", text); // stopped before any connection
    }

    [Theory]
    [InlineData("TickRateHz", "--server-setting 'TickRateHz' is not KEY=VALUE")]
    [InlineData("=30", "--server-setting has no key before '='")]
    [InlineData("Rooms: arena:TickRateHz=30", "--server-setting key 'Rooms: arena:TickRateHz' contains a space")]
    [InlineData("--Edge:InputFlushLeadMs=8", "--server-setting key '--Edge:InputFlushLeadMs' starts with '-': give the key alone")]
    [InlineData("Auth:SigningKey=" + Secret, "--server-setting cannot set Auth:SigningKey: the bots' tokens must match it, so use --token-key")]
    [InlineData("auth:issuer=x", "--server-setting cannot set Auth:Issuer: the bots' tokens must match it, so use --token-issuer")]
    [InlineData("Auth:Audience=x", "--server-setting cannot set Auth:Audience: the bots' tokens must match it, so use --token-audience")]
    public async Task Run_WithAMalformedServerSetting_ExitsWith2AndSaysWhy(string setting, string message)
    {
        var output = new StringWriter();

        var exit = await LoadTestCli.RunAsync(["--spawn-server", "--server-setting", setting], output, NoEnvironment, CancellationToken.None);

        Assert.Equal(ExitCodes.UsageOrSetup, exit);
        var text = output.ToString();
        Assert.Contains("error: " + message, text);
        Assert.DoesNotContain("building the host", text); // refused before the spawn
        Assert.DoesNotContain(Secret, text);
    }

    [Fact]
    public void Validate_AMalformedSecretSetting_NeverQuotesItsValue()
    {
        var options = new LoadTestOptions { SpawnServer = true, ServerSettings = ["Db: Password=" + Secret] };

        var problem = Assert.Single(options.Validate());

        Assert.Contains("key 'Db: Password' contains a space", problem);
        Assert.DoesNotContain(Secret, problem);
    }

    [Fact]
    public void Validate_WithoutSpawnServer_ReportsTheMissingSpawnAndEveryMalformedSetting()
    {
        var options = new LoadTestOptions { ServerSettings = ["Edge:InputFlushLeadMs=8", "oops"] };

        var problems = options.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("add --spawn-server", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'oops' is not KEY=VALUE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Dashboard:Password=" + Secret, "Dashboard:Password=***")]
    [InlineData("db:password=" + Secret, "db:password=***")]
    [InlineData("Orleans:Clustering:SigningKey=" + Secret, "Orleans:Clustering:SigningKey=***")]
    [InlineData("Admin:SigningKeys:0=" + Secret, "Admin:SigningKeys:0=***")]
    [InlineData("Smoke:Password=", "Smoke:Password=***")]
    [InlineData("Edge:InputFlushLeadMs=8", "Edge:InputFlushLeadMs=8")]
    [InlineData("Motd=Password=SigningKey", "Motd=Password=SigningKey")] // only the key decides
    public void Redact_HidesTheValueOfSigningKeyAndPasswordKeysOnly(string setting, string shown)
    {
        Assert.Equal(shown, ServerSettings.Redact(setting));
        Assert.Equal(shown, ServerSettings.Redact(ServerSettings.Redact(setting))); // idempotent: safe to apply again
    }

    [Fact]
    public void SpawnedServerSettings_PutTheUsersSettingsAfterTheToolsOwnInTheirOrder()
    {
        var options = new LoadTestOptions
        {
            SpawnServer = true,
            InputRateHz = 60,
            ServerSettings = ["Edge:InputsPerSecond=500", "Rooms:arena:TickRateHz=30", "Edge:MaxConnectionsPerIp=50"],
        };

        var settings = LoadTestCli.SpawnedServerSettings(options, GameTokenIssuer.NewSigningKey());

        Assert.Equal(["--Edge:InputsPerSecond=500", "--Rooms:arena:TickRateHz=30", "--Edge:MaxConnectionsPerIp=50"], settings.TakeLast(3));
        Assert.True(settings.ToList().IndexOf("--Edge:InputsPerSecond=90") < settings.ToList().IndexOf("--Edge:InputsPerSecond=500"));
    }

    [Fact]
    public void SpawnedServerSettings_ReadAsTheHostReadsThem_LetTheUserWinOverTheTool()
    {
        var options = new LoadTestOptions
        {
            SpawnServer = true,
            InputRateHz = 60, // the tool raises Edge:InputsPerSecond to 90 and Edge:InputBurst to 45
            ServerSettings = ["edge:inputspersecond=500", "Edge:MaxConnectionsPerIp=50", "Rooms:arena:TickRateHz=30"],
        };
        var (arguments, _) = ServerSettings.SplitSecrets(LoadTestCli.SpawnedServerSettings(options, GameTokenIssuer.NewSigningKey()));

        var configuration = new ConfigurationBuilder().AddCommandLine([.. arguments]).Build();

        Assert.Equal("500", configuration["Edge:InputsPerSecond"]);
        Assert.Equal("45", configuration["Edge:InputBurst"]);
        Assert.Equal("50", configuration["Edge:MaxConnectionsPerIp"]);
        Assert.Equal("1000000", configuration["Edge:MaxConnections"]);
        Assert.Equal("30", configuration["Rooms:arena:TickRateHz"]);
    }

    [Fact]
    public void SplitSecrets_MovesSigningKeyAndPasswordSettingsToTheEnvironment()
    {
        var key = GameTokenIssuer.NewSigningKey();

        var (arguments, environment) = ServerSettings.SplitSecrets(
            ["host.dll", "--urls", "http://127.0.0.1:5000", "--Auth:SigningKey=" + key, "--Edge:InputFlushLeadMs=8", "--Dashboard:Password=" + Secret, "--Motd=Password"]);

        Assert.Equal(["host.dll", "--urls", "http://127.0.0.1:5000", "--Edge:InputFlushLeadMs=8", "--Motd=Password"], arguments);
        Assert.Equal([new KeyValuePair<string, string>("Auth__SigningKey", key), new KeyValuePair<string, string>("Dashboard__Password", Secret)], environment);
    }

    [Fact]
    public void SplitSecrets_ALaterSecretForTheSameKey_ReplacesTheEarlierOne()
    {
        var (_, environment) = ServerSettings.SplitSecrets(["--Db:Password=first", "--db:password=second"]);

        Assert.Equal([new KeyValuePair<string, string>("db__password", "second")], environment);
    }

    [Fact]
    public void SplitSecrets_OfTheSpawnedServersSettings_KeepsEverySecretOffTheCommandLine()
    {
        var key = GameTokenIssuer.NewSigningKey();
        var options = new LoadTestOptions { SpawnServer = true, ServerSettings = ["Edge:InputFlushLeadMs=8", "Dashboard:Password=" + Secret] };

        var (arguments, environment) = ServerSettings.SplitSecrets(LoadTestCli.SpawnedServerSettings(options, key));

        Assert.DoesNotContain(arguments, a => a.Contains(key, StringComparison.Ordinal) || a.Contains(Secret, StringComparison.Ordinal));
        Assert.Contains("--Edge:InputFlushLeadMs=8", arguments);
        Assert.Contains(new KeyValuePair<string, string>("Auth__SigningKey", key), environment);
        Assert.Contains(new KeyValuePair<string, string>("Dashboard__Password", Secret), environment);
    }

    private static string? NoEnvironment(string name) => null;
}

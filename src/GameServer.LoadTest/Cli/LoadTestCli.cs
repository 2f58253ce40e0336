using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using GameServer.Auth;
using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Output;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Run;
using GameServer.LoadTest.Server;
using GameServer.LoadTest.Tokens;
using Spectre.Console;

namespace GameServer.LoadTest.Cli;

/// <summary>
/// Parses the command line and runs the tool: optional server spawn, a reachability check, the run, the result files,
/// the verdict as exit code. Callable in-process (tests pass their own writer, which forces plain output).
/// </summary>
internal static class LoadTestCli
{
    private static readonly TimeSpan s_preflightTimeout = TimeSpan.FromSeconds(5);

    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync(args, output, Environment.GetEnvironmentVariable, cancellationToken);

    /// <param name="environment">Reads environment variables (GAMESERVER_TOKEN_KEY); tests pass their own.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var command = new LoadTestCommand(environment);
        command.Root.SetAction((result, token) => ExecuteAsync(command, result, output, token));
        var parse = command.Root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await output.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }
            await output.WriteLineAsync("Run with --help to see the options.").ConfigureAwait(false);
            return ExitCodes.UsageOrSetup;
        }
        // No termination timeout: the caller's token is our Ctrl+C, and a stopped run must still write its result.
        var invocation = new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(LoadTestCommand command, ParseResult parse, TextWriter output, CancellationToken cancellationToken)
    {
        var options = command.Bind(parse);
        var view = ChooseView(options, output);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                view.Error(problem);
            }
            view.Info("Run with --help to see the options.");
            return ExitCodes.UsageOrSetup;
        }
        if (options.SpawnServer && command.UrlGiven(parse))
        {
            view.Warn("--url is ignored with --spawn-server: the bots connect to the spawned server.");
        }

        ServerProcess? server = null;
        PlayerTokenSource? tokenSource = null;
        try
        {
            if (options.BotCpus is { } botCpus && CpuList.TryParse(botCpus, out var cpus, out _))
            {
                Signals.PinAllThreads(CpuList.ToMask(cpus));
                view.Info($"load tool pinned to CPU(s) {botCpus}");
            }
            var serverPid = options.ServerPid;
            if (options.SpawnServer)
            {
                // The spawned server trusts a key the tool knows, so the tool signs the bots' tokens itself.
                var key = options.TokenKey ?? GameTokenIssuer.NewSigningKey();
                tokenSource = new SignedTokenSource(key, options.TokenIssuer, options.TokenAudience,
                    options.TokenKey is null ? TokenSourceKind.SpawnedKey : TokenSourceKind.TokenKey, options.TokenKeyName);
                var log = Path.GetFullPath(Path.Combine(options.OutputDirectory, "server.log"));
                server = await ServerProcess.StartAsync(options.ServerPort, options.ServerCpus, !options.NoBuild, log, SpawnedServerSettings(options, key),
                    options.ServerStartTimeout, view.Info, cancellationToken).ConfigureAwait(false);
                view.Info($"server pid {server.Pid} ready at {server.WebSocketUri}{(options.ServerCpus is { } c ? $" on CPU(s) {c}" : "")}; log: {server.LogPath}");
                options = options with { Urls = [server.WebSocketUri], ServerManagementUrl = server.ManagementUri };
                serverPid = server.Pid;
            }
            else
            {
                tokenSource = options.TokenKey is { } key
                    ? new SignedTokenSource(key, options.TokenIssuer, options.TokenAudience, TokenSourceKind.TokenKey, options.TokenKeyName)
                    : new DevEndpointTokenSource(options.Url, s_preflightTimeout);
                // Bots are spread evenly over the edges, and each edge counts its own connections.
                var playersPerEdge = (options.TargetPlayers + options.Urls.Count - 1) / options.Urls.Count;
                if (playersPerEdge > DefaultServerConnectionsPerIp)
                {
                    var who = options.Urls.Count == 1 ? $"{options.TargetPlayers} players" : $"up to {playersPerEdge} players per edge";
                    view.Warn($"{who} from one address: a server's default Edge:MaxConnectionsPerIp is {DefaultServerConnectionsPerIp}, " +
                        "so unless the target server's limit is raised, the connections beyond it are refused (HTTP 429).");
                }
                if (options.InputRateHz > DefaultServerInputsPerSecond)
                {
                    view.Warn($"--input-rate {options.InputRateHz:0.##} Hz is above a server's default input limit ({DefaultServerInputsPerSecond}/s, Edge:InputsPerSecond): " +
                        "unless the target server's limit is raised, it drops the extra inputs.");
                }
            }

            // The seed names the bots (bot-<seed>-<index>), so it is fixed before their tokens are made.
            var seed = options.Seed ?? Random.Shared.Next();
            options = options with { Seed = seed };
            var preflightToken = await tokenSource.IssueAsync(PlayerTokenSource.PreflightId(seed), options.TokenLifetime, cancellationToken).ConfigureAwait(false);
            foreach (var url in options.Urls)
            {
                // Every edge, not only the first: a typo in the third URL is a setup error, not a third of the bots failing over.
                await Preflight.CheckAsync(url, preflightToken, tokenSource.RefusalHint, s_preflightTimeout, cancellationToken, options.Transport).ConfigureAwait(false);
            }
            var tokens = await IssueBotTokensAsync(tokenSource, options, seed, view, cancellationToken).ConfigureAwait(false);

            var result = await new LoadRun(options, view, tokens).RunAsync(serverPid, options.SpawnServer, cancellationToken).ConfigureAwait(false);
            var (json, html) = ResultWriter.Paths(options, result.StartedAt);
            // Written even after Ctrl+C: the token is already cancelled, so do not pass it on.
            await ResultWriter.WriteAsync(result, json, html, CancellationToken.None).ConfigureAwait(false);
            view.Summary(result, json, html);
            return result.Slo.Passed ? ExitCodes.Passed : ExitCodes.SloMissed;
        }
        catch (SetupException ex)
        {
            view.Error(ex.Message);
            return ExitCodes.UsageOrSetup;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            view.Error("stopped before the run began; nothing was measured.");
            return ExitCodes.UsageOrSetup;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            view.Error("the load tool failed: " + ex);
            return ExitCodes.ToolFailed;
        }
        finally
        {
            tokenSource?.Dispose();
            if (server is not null)
            {
                await server.StopAsync().ConfigureAwait(false);
                view.Info($"server pid {server.Pid} stopped");
            }
        }
    }

    /// <summary>The server's Edge:InputsPerSecond when not configured.</summary>
    private const int DefaultServerInputsPerSecond = 30;

    /// <summary>The server's Edge:MaxConnectionsPerIp when not configured.</summary>
    private const int DefaultServerConnectionsPerIp = 100;

    /// <summary>
    /// Configuration for the spawned host: the signing key and token issuer/audience the bots' tokens use, connection
    /// limits out of the way (every bot connects from 127.0.0.1, which the default per-IP limit of 100 would refuse),
    /// and, above 20 Hz, an input limit that lets --input-rate through. Then the user's --server-setting entries, in
    /// their order: ASP.NET Core configuration takes the last value of a key, so they win over the tool's.
    /// </summary>
    internal static IReadOnlyList<string> SpawnedServerSettings(LoadTestOptions options, string signingKey)
    {
        var settings = new List<string>
        {
            "--Auth:SigningKey=" + signingKey,
            "--Auth:Issuer=" + options.TokenIssuer,
            "--Auth:Audience=" + options.TokenAudience,
            "--Edge:MaxConnectionsPerIp=1000000",
            "--Edge:MaxConnections=1000000",
        };
        if (options.Scenario == RoomScenario.Private)
        {
            // Every bot tries its group's code from 127.0.0.1; the default of 20 code attempts a minute per address would refuse most.
            settings.Add("--Edge:CodeAttemptsPerMinutePerIp=100000");
        }
        // The default (30/s, burst 10) fits 20 Hz with jitter; faster bots get 1.5× their rate so jitter is never trimmed.
        var inputsPerSecond = (int)Math.Ceiling(options.InputRateHz * 1.5);
        if (inputsPerSecond > DefaultServerInputsPerSecond)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"--Edge:InputsPerSecond={inputsPerSecond}"));
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"--Edge:InputBurst={Math.Max(10, inputsPerSecond / 2)}"));
        }
        settings.AddRange(options.ServerSettings.Select(ServerSettings.ToArgument));
        return settings;
    }

    /// <summary>Every bot's token, made now so the ramp's connect times measure the handshake alone.</summary>
    private static async Task<BotTokens> IssueBotTokensAsync(PlayerTokenSource source, LoadTestOptions options, int seed, IRunView view, CancellationToken cancellationToken)
    {
        var count = options.TargetPlayers;
        view.Info($"player tokens: {source.Description}; player ids {PlayerTokenSource.BotId(seed, 0)} to {PlayerTokenSource.BotId(seed, count - 1)}");
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = PlayerTokenSource.BotId(seed, i);
        }
        var tokens = await source.IssueAllAsync(ids, options.TokenLifetime, cancellationToken).ConfigureAwait(false);
        if (source is DevEndpointTokenSource { ShortestLifetime: { } lifetime } && lifetime < options.Ramp + options.RampGrace)
        {
            view.Warn($"the server's development tokens expire after {lifetime.TotalSeconds:0} s, before the ramp may end: later joins would be refused (401). " +
                "Use a shorter --ramp, or --token-key with the server's Auth:SigningKey.");
        }
        return new BotTokens(source.Kind, tokens);
    }

    private static IRunView ChooseView(LoadTestOptions options, TextWriter output)
    {
        var console = ReferenceEquals(output, Console.Out);
        if (!console || options.Plain || options.NoProgress || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return new PlainView(output, showProgress: !options.NoProgress);
        }
        return new LiveView();
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using GameServer.LoadTest.Output;
using GameServer.LoadTest.Results;
using GameServer.LoadTest.Run;
using GameServer.LoadTest.Server;
using Spectre.Console;

namespace GameServer.LoadTest.Cli;

/// <summary>
/// Parses the command line and runs the tool: optional server spawn, a reachability check, the run, the result files,
/// the verdict as exit code. Callable in-process (tests pass their own writer, which forces plain output).
/// </summary>
internal static class LoadTestCli
{
    private static readonly TimeSpan s_preflightTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var command = new LoadTestCommand();
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
                var log = Path.GetFullPath(Path.Combine(options.OutputDirectory, "server.log"));
                server = await ServerProcess.StartAsync(options.ServerPort, options.ServerCpus, !options.NoBuild, log, options.ServerStartTimeout, view.Info, cancellationToken)
                    .ConfigureAwait(false);
                view.Info($"server pid {server.Pid} ready at {server.WebSocketUri}{(options.ServerCpus is { } c ? $" on CPU(s) {c}" : "")}; log: {server.LogPath}");
                options = options with { Url = server.WebSocketUri };
                serverPid = server.Pid;
            }
            await Preflight.CheckAsync(options.Url, s_preflightTimeout, cancellationToken).ConfigureAwait(false);

            var result = await new LoadRun(options, view).RunAsync(serverPid, options.SpawnServer, cancellationToken).ConfigureAwait(false);
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
            if (server is not null)
            {
                await server.StopAsync().ConfigureAwait(false);
                view.Info($"server pid {server.Pid} stopped");
            }
        }
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

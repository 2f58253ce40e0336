using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace GameServer.LoadTest.Server;

/// <summary>
/// The embedded host (src/GameServer.Host, Release) started for a run: built unless told not to, launched on free silo,
/// gateway and management ports (optionally under taskset), its output written to a log file, ready when GET /readyz on
/// the management port answers 200 (GET / on hosts without /readyz), stopped with SIGTERM and killed if it lingers.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly object _logGate = new();
    private int _stopped;

    private ServerProcess(Process process, StreamWriter log, string logPath, int port, int managementPort)
    {
        _process = process;
        Pid = process.Id; // kept: Process.Id throws once the process object is disposed
        _log = log;
        LogPath = logPath;
        Port = port;
        HttpUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        WebSocketUri = new Uri($"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/ws");
        ManagementUri = new Uri($"http://127.0.0.1:{managementPort.ToString(CultureInfo.InvariantCulture)}/");
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int Pid { get; }

    public int Port { get; }

    public Uri HttpUri { get; }

    public Uri WebSocketUri { get; }

    /// <summary>
    /// The host's management port (<c>Management:Urls</c>, a free port the tool picks): /readyz and /metrics, which a
    /// host outside Development answers only there.
    /// </summary>
    public Uri ManagementUri { get; }

    public string LogPath { get; }

    /// <param name="port">HTTP port, 0 for a free one.</param>
    /// <param name="cpus">taskset CPU list, or null.</param>
    /// <param name="build">Build the host in Release first (it is built anyway when its dll is missing).</param>
    /// <param name="logPath">Where the server's stdout and stderr go.</param>
    /// <param name="settings">Extra configuration arguments for the host, e.g. <c>--Auth:SigningKey=…</c> (never printed); later ones win. Secret ones go in its environment (<see cref="ServerSettings.SplitSecrets"/>).</param>
    /// <param name="info">Progress messages for the user.</param>
    public static async Task<ServerProcess> StartAsync(
        int port, string? cpus, bool build, string logPath, IReadOnlyList<string> settings, TimeSpan readyTimeout, Action<string> info, CancellationToken cancellationToken)
    {
        var root = RepoLocator.FindRoot();
        var project = Path.Combine(root, "src", "GameServer.Host");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "GameServer.Host.dll");
        if (build || !File.Exists(dll))
        {
            info(build ? "building the host (Release)…" : $"{dll} is missing: building the host (Release)…");
            await BuildAsync(project, cancellationToken).ConfigureAwait(false);
        }
        if (cpus is not null && !File.Exists("/usr/bin/taskset") && !File.Exists("/bin/taskset"))
        {
            throw new SetupException("--server-cpus needs taskset (package util-linux), which is not installed.");
        }

        var ports = FreePort.Distinct(4);
        var httpPort = port == 0 ? ports[0] : port;
        var start = new ProcessStartInfo
        {
            FileName = cpus is null ? DotnetHost() : "taskset",
            WorkingDirectory = project, // content root: appsettings.json and wwwroot
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(DotnetHost()); // taskset execs it: the PID stays the server's
        }
        // Secrets (the signing key, any *SigningKey* or *Password* setting) go in the environment, not on the command
        // line where `ps` shows them to every user.
        var (arguments, secrets) = ServerSettings.SplitSecrets(new[]
        {
            dll,
            "--urls", $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Silo:SiloPort={ports[1].ToString(CultureInfo.InvariantCulture)}",
            $"--Silo:GatewayPort={ports[2].ToString(CultureInfo.InvariantCulture)}",
            $"--Management:Urls=http://127.0.0.1:{ports[3].ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings));
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in secrets)
        {
            // Linux variable names are case-sensitive but configuration keys are not: one variable per key, ours.
            foreach (var inherited in start.Environment.Keys.Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(inherited);
            }
            start.Environment[name] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SetupException($"Could not start {start.FileName}.");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await log.DisposeAsync().ConfigureAwait(false);
            // The arguments are not shown: they hold the signing key.
            throw new SetupException($"Could not start the server ({start.FileName} {dll}): {ex.Message}", ex);
        }
        var server = new ServerProcess(process, log, logPath, httpPort, ports[3]);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    /// <summary>SIGTERM, then a kill of the whole tree if it has not exited within the grace period. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            if (!_process.HasExited)
            {
                if (Signals.Terminate(_process.Id))
                {
                    using var grace = new CancellationTokenSource(s_stopGrace);
                    try
                    {
                        await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    using var killed = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _process.WaitForExitAsync(killed.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }
        finally
        {
            lock (_logGate)
            {
                _log.Dispose();
            }
            _process.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The last lines of the server's log, for an error message.</summary>
    public string LogTail(int lines = 15)
    {
        try
        {
            lock (_logGate)
            {
                _log.Flush();
            }
            using var reader = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            var all = text.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, all.TakeLast(lines));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return "";
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var readyUri = new Uri(ManagementUri, "readyz");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new SetupException(
                    $"The server exited with code {_process.ExitCode} before it was ready (port {Port} taken?). Its log, {LogPath}, ends with:{Environment.NewLine}{LogTail()}");
            }
            try
            {
                using var response = await http.GetAsync(readyUri, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                if (response.StatusCode == HttpStatusCode.NotFound && readyUri.AbsolutePath == "/readyz")
                {
                    readyUri = HttpUri; // a host from before /readyz: the demo page answering is the best sign we have
                    continue;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }
            if (clock.Elapsed > timeout)
            {
                throw new SetupException(
                    $"The server did not become ready within {timeout.TotalSeconds:0} s ({readyUri} never answered 200; a host built before Management:Urls existed never listens there: rebuild it, without --no-build). " +
                    $"Its log, {LogPath}, ends with:{Environment.NewLine}{LogTail()}");
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task BuildAsync(string project, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "build", project, "-c", "Release", "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new SetupException("Could not start `dotnet build`.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_buildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new SetupException($"Building {project} took longer than {s_buildTimeout.TotalMinutes:0} minutes; build it yourself and pass --no-build.");
        }
        if (process.ExitCode != 0)
        {
            var text = (await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false));
            throw new SetupException($"`dotnet build {project} -c Release` failed (exit code {process.ExitCode}):{Environment.NewLine}{text.Trim()}");
        }
    }

    /// <summary>The dotnet that runs this tool when launched through the SDK (DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_logGate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}

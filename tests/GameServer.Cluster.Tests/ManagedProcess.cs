using System.Diagnostics;

namespace GameServer.Cluster.Tests;

/// <summary>
/// A child process this test started, with its stdout and stderr written to files. It is only ever signalled by its
/// own PID: <see cref="Kill"/> (SIGKILL), <see cref="StopAsync"/> (SIGTERM, then SIGKILL after a timeout).
/// </summary>
internal sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _stdout;
    private readonly StreamWriter _stderr;
    private readonly object _gate = new();

    private ManagedProcess(string name, Process process, string stdoutPath, string stderrPath)
    {
        Name = name;
        _process = process;
        StdoutPath = stdoutPath;
        StderrPath = stderrPath;
        _stdout = new StreamWriter(stdoutPath) { AutoFlush = true };
        _stderr = new StreamWriter(stderrPath) { AutoFlush = true };
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string StdoutPath { get; }

    public string StderrPath { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="fileName"/> with exactly the given extra environment (on top of this process's).</summary>
    /// <param name="logs">Where a host's console warnings and errors go for the log guard (none for tools that are not hosts).</param>
    public static ManagedProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string logDirectory,
        HostLog? logs = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = logDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // Settings the test runner may carry that would override ours.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" })
        {
            info.Environment.Remove(inherited);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(
            name, process, Path.Combine(logDirectory, name + ".stdout.log"), Path.Combine(logDirectory, name + ".stderr.log"));
        process.OutputDataReceived += (_, e) => managed.Write(managed._stdout, e.Data, logs);
        process.ErrorDataReceived += (_, e) => managed.Write(managed._stderr, e.Data, logs);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}: {fileName}.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up (a crashed machine, an OOM kill).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <c>STOP</c>, <c>CONT</c>) with <c>kill</c>.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, Pid.ToString() }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM (what docker stop and systemd send), then SIGKILL if it has not exited within <paramref name="timeout"/>.</summary>
    /// <returns>Whether it exited on its own within the timeout.</returns>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }
        await SignalAsync("TERM");
        if (await WaitForExitAsync(timeout))
        {
            return true;
        }
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        return false;
    }

    /// <summary>Whether the process exited within <paramref name="timeout"/> (its output fully captured).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the redirected streams to reach end of file.
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Everything the process wrote so far, stdout then stderr.</summary>
    public string Output()
    {
        lock (_gate)
        {
            return ReadShared(StdoutPath) + ReadShared(StderrPath);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of stdout and of stderr, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        lock (_gate)
        {
            var state = _process.HasExited ? $"exited with {_process.ExitCode}" : "running";
            return $"--- {Name} (pid {Pid}, {state}) stdout tail ---\n{TailOf(StdoutPath, lines)}\n--- {Name} stderr tail ---\n{TailOf(StderrPath, lines)}\n";
        }
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(10_000);
        lock (_gate)
        {
            _stdout.Dispose();
            _stderr.Dispose();
        }
        _process.Dispose();
    }

    private void Write(StreamWriter writer, string? line, HostLog? logs)
    {
        if (line is null)
        {
            return;
        }
        logs?.AddConsoleLine(line, Name);
        lock (_gate)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static string TailOf(string path, int lines) =>
        string.Join('\n', ReadShared(path).Split('\n').TakeLast(lines));

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

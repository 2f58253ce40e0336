using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// A browser/*.mjs script run with Node.js that the test talks to while it runs: the script prints
/// <c>@@event {json}</c> lines and reads answer lines from stdin (see browser/reconnect.spec.mjs). Everything else it
/// prints is collected for the test's output.
/// </summary>
internal sealed class NodeSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Channel<(string Name, JsonElement Data)> _events = Channel.CreateUnbounded<(string, JsonElement)>();

    private NodeSession(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the script printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static NodeSession Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var session = new NodeSession(new Process { StartInfo = start });
        session._process.OutputDataReceived += (_, e) => session.OnStdout(e.Data);
        session._process.ErrorDataReceived += (_, e) => session.Append("stderr", e.Data);
        try
        {
            session._process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start 'node' (Node.js 20+ must be on PATH): {ex.Message}", ex);
        }
        session._process.BeginOutputReadLine();
        session._process.BeginErrorReadLine();
        return session;
    }

    /// <summary>Waits for the script's next <c>@@</c> event, which must be <paramref name="name"/>, and returns its data.</summary>
    public async Task<JsonElement> NextEventAsync(string name, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        (string Name, JsonElement Data) next;
        try
        {
            next = await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node printed no @@{name} within {timeout.TotalSeconds:0} s:\n{Log}");
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"node exited with {_process.ExitCode} before @@{name}:\n{Log}");
        }
        if (next.Name != name)
        {
            throw new InvalidOperationException($"node printed @@{next.Name}, expected @@{name}:\n{Log}");
        }
        return next.Data;
    }

    /// <summary>Sends one line to the script's stdin.</summary>
    public async Task SendAsync(string line)
    {
        Append("stdin", line);
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the script to exit (killing it after <paramref name="bound"/>) and returns its exit code, -1 if killed.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Append("test", $"killed: node did not exit within {bound.TotalSeconds:0} s");
            return -1;
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            _events.Writer.TryComplete();
            return;
        }
        Append("stdout", line);
        if (line.StartsWith("@@", StringComparison.Ordinal))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? line[2..] : line[2..space];
            var data = space < 0 ? default : JsonDocument.Parse(line[(space + 1)..]).RootElement.Clone();
            _events.Writer.TryWrite((name, data));
        }
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Append('[').Append(stream).Append("] ").AppendLine(line);
        }
    }
}

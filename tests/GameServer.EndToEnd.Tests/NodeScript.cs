using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace GameServer.EndToEnd.Tests;

/// <summary>Runs a browser/*.mjs script with Node.js and collects its output, for the headless-Chromium tests.</summary>
internal static class NodeScript
{
    /// <summary>Runs <c>node</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, killed after <paramref name="bound"/>.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(string workingDirectory, TimeSpan bound, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, "stdout", e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, "stderr", e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start 'node' (Node.js 20+ must be on PATH): {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(log, "test", $"killed: node did not exit within {bound.TotalSeconds:0} s");
            return (-1, Snapshot(log));
        }
        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, Snapshot(log));
    }

    private static void Append(StringBuilder log, string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.Append('[').Append(stream).Append("] ").AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}

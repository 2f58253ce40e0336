using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Runs a program to its end and collects its output: browser/*.mjs scripts with Node.js for the headless-Chromium
/// tests, <c>dotnet publish</c> and the NativeAOT client.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <c>node</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, killed after <paramref name="bound"/>.</summary>
    public static Task<(int ExitCode, string Log)> NodeAsync(string workingDirectory, TimeSpan bound, params string[] args) =>
        RunAsync("node", workingDirectory, bound, args);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/>; exit code -1 if it was killed after <paramref name="bound"/>.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(string fileName, string workingDirectory, TimeSpan bound, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
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
            var hint = fileName == "node" ? " (Node.js 20+ must be on PATH)" : "";
            throw new InvalidOperationException($"Could not start '{fileName}'{hint}: {ex.Message}", ex);
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
            Append(log, "test", $"killed: {fileName} did not exit within {bound.TotalSeconds:0} s");
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

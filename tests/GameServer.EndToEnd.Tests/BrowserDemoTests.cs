using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The demo page in a real browser: browser/demo.spec.mjs drives headless Chromium (/usr/bin/chromium) through
/// playwright-core against the shared host. The project's build installs browser/node_modules (npm ci).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class BrowserDemoTests(HostFixture host, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DemoPage_InHeadlessChromium_ConnectsAndMovesOnKeyPress()
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-demo.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        var (exitCode, log) = await RunNodeAsync(browserDir, "demo.spec.mjs", url, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node demo.spec.mjs {url} exited with {exitCode}:\n{log}");
    }

    /// <summary>Runs <c>node</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>, bounded by <see cref="Bound"/>.</summary>
    private static async Task<(int ExitCode, string Log)> RunNodeAsync(string workingDirectory, params string[] args)
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

        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(log, "test", $"killed: node did not exit within {Bound.TotalSeconds:0} s");
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

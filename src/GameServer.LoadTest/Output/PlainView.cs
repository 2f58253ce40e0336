using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Output;

/// <summary>
/// Plain text for logs and CI: one line per second (unless progress is off) and a summary a script can grep
/// ("PASS"/"FAIL" per check, "result: PASS").
/// </summary>
internal sealed class PlainView(TextWriter output, bool showProgress) : IRunView
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);

    public void Info(string message) => _output.WriteLine(message);

    public void Warn(string message) => _output.WriteLine("warning: " + message);

    public void Error(string message) => _output.WriteLine("error: " + message);

    public Task<T> RunAsync<T>(Func<Action<ProgressFrame>, Task<T>> body) => body(Show);

    public void Summary(LoadTestResult result, string jsonPath, string htmlPath)
    {
        foreach (var line in SummaryLines.For(result))
        {
            _output.WriteLine(line);
        }
        foreach (var check in result.Slo.Checks)
        {
            _output.WriteLine($"  {(check.Passed ? "PASS" : "FAIL")}  {ConsoleFormat.Check(check)}");
        }
        _output.WriteLine($"result: {(result.Slo.Passed ? "PASS" : "FAIL")}{(result.Interrupted ? " (interrupted)" : "")}");
        _output.WriteLine($"json: {jsonPath}");
        _output.WriteLine($"html: {htmlPath}");
    }

    private void Show(ProgressFrame frame)
    {
        foreach (var message in frame.NewErrorMessages)
        {
            _output.WriteLine("error: " + message);
        }
        if (!showProgress)
        {
            return;
        }
        var b = frame.Bucket;
        var server = b.ServerCpuPercent is { } cpu ? $"  server cpu {ConsoleFormat.F(cpu, "0")}%" : "";
        var recovery = frame.Reconnecting > 0 || frame.Stalled > 0 ? $"  reconnecting {frame.Reconnecting}  stalled {frame.Stalled}" : "";
        _output.WriteLine(
            $"[{b.Second + 1,4}s] {b.Phase,-7} players {b.ConnectedPlayers}/{frame.TargetPlayers}  errors {frame.TotalErrors}{recovery}  " +
            $"p50 {ConsoleFormat.Ms(b.LatencyP50Ms)}  p99 {ConsoleFormat.Ms(b.LatencyP99Ms)}  acks {b.Acks}/s  " +
            $"snapshots {ConsoleFormat.F(b.SnapshotsPerSecondPerPlayer)}/s/player  tool cpu {ConsoleFormat.F(b.ToolCpuPercent, "0")}%{server}  left {ConsoleFormat.Duration(frame.TimeLeft)}");
    }
}

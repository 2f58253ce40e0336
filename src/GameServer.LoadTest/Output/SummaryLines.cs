using GameServer.LoadTest.Results;

namespace GameServer.LoadTest.Output;

/// <summary>The run's key figures as short "name: value" lines, shared by both views.</summary>
internal static class SummaryLines
{
    public static IEnumerable<string> For(LoadTestResult result)
    {
        var s = result.Summary;
        var l = s.InputToAckMs;
        yield return $"players: {s.PlayersJoined}/{s.PlayersTarget} joined in {s.RoomsJoined} rooms, {s.PlayersAcked} acked in the window";
        yield return $"window: {ConsoleFormat.F(s.MeasuredSeconds)} s, {s.InputsSent} inputs sent, {s.InputsAcked} acked";
        yield return $"input→ack: p50 {ConsoleFormat.Ms(l.P50)}  p90 {ConsoleFormat.Ms(l.P90)}  p99 {ConsoleFormat.Ms(l.P99)}  p99.9 {ConsoleFormat.Ms(l.P999)}  max {ConsoleFormat.Ms(l.Max)}  mean {ConsoleFormat.Ms(l.Mean)}";
        yield return $"snapshots: {ConsoleFormat.F(s.SnapshotsPerSecondPerPlayer, "0.00")}/s per player, interval p50 {ConsoleFormat.Ms(s.SnapshotIntervalMs.P50)} p99 {ConsoleFormat.Ms(s.SnapshotIntervalMs.P99)}, jitter {ConsoleFormat.Ms(s.SnapshotJitterMs)}, {ConsoleFormat.F(s.BytesPerSecondPerPlayer / 1000, "0.00")} kB/s per player";
        yield return $"connect: p50 {ConsoleFormat.Ms(s.ConnectMs.P50)} p99 {ConsoleFormat.Ms(s.ConnectMs.P99)}; join: p50 {ConsoleFormat.Ms(s.JoinMs.P50)} p99 {ConsoleFormat.Ms(s.JoinMs.P99)}";
        var e = result.Errors;
        yield return $"errors: {e.Total} (connect {e.ConnectFailures}, join {e.JoinFailures}, disconnects {e.Disconnects}, protocol {e.ProtocolErrors}), error rate {ConsoleFormat.F(s.ErrorRate * 100, "0.##")}%"
            + (e.CloseCodes.Count > 0 ? ", close codes " + string.Join(", ", e.CloseCodes.Select(c => $"{c.Key}×{c.Value}")) : "")
            + (e.ErrorCodes.Count > 0 ? ", error codes " + string.Join(", ", e.ErrorCodes.Select(c => $"{c.Key}×{c.Value}")) : "");
        yield return $"tool: pid {result.Tool.Pid}, cpu {ConsoleFormat.F(result.Tool.CpuPercentOfOneCore)}% of one core, rss {ConsoleFormat.F(result.Tool.RssMb)} MB"
            + (result.Server is { } server ? $"; server: pid {server.Pid}, cpu {ConsoleFormat.F(server.CpuPercentOfOneCore)}% of one core, rss {ConsoleFormat.F(server.RssMb)} MB" : "");
    }
}

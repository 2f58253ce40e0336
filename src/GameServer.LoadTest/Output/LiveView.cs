using GameServer.LoadTest.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GameServer.LoadTest.Output;

/// <summary>An interactive terminal: a live table refreshed every second, then the verdict as tables.</summary>
internal sealed class LiveView : IRunView
{
    private const int ShownMessages = 5;

    private readonly List<string> _messages = [];
    private bool _live;

    public void Info(string message) => Write(Markup.Escape(message));

    public void Warn(string message) => Write("[yellow]warning:[/] " + Markup.Escape(message));

    public void Error(string message) => Write("[red]error:[/] " + Markup.Escape(message));

    public async Task<T> RunAsync<T>(Func<Action<ProgressFrame>, Task<T>> body)
    {
        _live = true;
        try
        {
            return await AnsiConsole.Live(new Markup("[grey]starting…[/]"))
                .AutoClear(false)
                .StartAsync(context => body(frame =>
                {
                    foreach (var message in frame.NewErrorMessages)
                    {
                        Write("[red]error:[/] " + Markup.Escape(message));
                    }
                    context.UpdateTarget(Render(frame));
                    context.Refresh();
                }))
                .ConfigureAwait(false);
        }
        finally
        {
            _live = false;
        }
    }

    public void Summary(LoadTestResult result, string jsonPath, string htmlPath)
    {
        var figures = new Table().Border(TableBorder.Rounded).Title("[bold]Measurement window[/]");
        figures.AddColumn("Figure");
        figures.AddColumn("Value");
        foreach (var line in SummaryLines.For(result))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            figures.AddRow(Markup.Escape(line[..colon]), Markup.Escape(line[(colon + 2)..]));
        }
        AnsiConsole.Write(figures);

        var checks = new Table().Border(TableBorder.Rounded).Title("[bold]SLO[/]");
        checks.AddColumn("Check");
        checks.AddColumn(new TableColumn("Target").RightAligned());
        checks.AddColumn(new TableColumn("Actual").RightAligned());
        checks.AddColumn("Result");
        foreach (var check in result.Slo.Checks)
        {
            checks.AddRow(
                Markup.Escape(check.Name),
                Markup.Escape($"{check.Comparison} {ConsoleFormat.F(check.Target, "0.###")} {check.Unit}"),
                Markup.Escape(ConsoleFormat.F(check.Actual, "0.###")),
                check.Passed ? "[green]PASS[/]" : "[red]FAIL[/]");
        }
        AnsiConsole.Write(checks);
        var verdict = result.Slo.Passed ? "[bold green]PASS[/]" : "[bold red]FAIL[/]";
        AnsiConsole.MarkupLine($"result: {verdict}{(result.Interrupted ? " [yellow](interrupted)[/]" : "")}");
        AnsiConsole.MarkupLine($"json: {Markup.Escape(jsonPath)}");
        AnsiConsole.MarkupLine($"html: {Markup.Escape(htmlPath)}");
    }

    private void Write(string markup)
    {
        if (_live)
        {
            // Printing under a live display tears it; keep the newest few messages in the display instead.
            _messages.Add(markup);
            if (_messages.Count > ShownMessages)
            {
                _messages.RemoveAt(0);
            }
            return;
        }
        AnsiConsole.MarkupLine(markup);
    }

    private IRenderable Render(ProgressFrame frame)
    {
        var b = frame.Bucket;
        var table = new Table().Border(TableBorder.Rounded).HideHeaders();
        table.Title($"[bold]{b.Phase}[/]  {ConsoleFormat.Duration(frame.Elapsed)} elapsed, {ConsoleFormat.Duration(frame.TimeLeft)} left");
        table.AddColumn("name");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn("name");
        table.AddColumn(new TableColumn("value").RightAligned());
        var errors = frame.TotalErrors == 0 ? "[green]0[/]" : $"[red]{frame.TotalErrors}[/]";
        table.AddRow("players connected", $"{b.ConnectedPlayers} / {frame.TargetPlayers}", "errors", errors);
        if (frame.Reconnecting > 0 || frame.Stalled > 0)
        {
            table.AddRow("reconnecting (last s)", $"[yellow]{frame.Reconnecting}[/]", "stalled > 1 s (last s)", $"[yellow]{frame.Stalled}[/]");
        }
        table.AddRow("input→ack p50 (last s)", Markup.Escape(ConsoleFormat.Ms(b.LatencyP50Ms)), "input→ack p99 (last s)", Markup.Escape(ConsoleFormat.Ms(b.LatencyP99Ms)));
        table.AddRow("acks/s", b.Acks.ToString(System.Globalization.CultureInfo.InvariantCulture), "inputs/s", b.InputsSent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("snapshots/s per player", ConsoleFormat.F(b.SnapshotsPerSecondPerPlayer), "kB/s per player", ConsoleFormat.F(b.BytesPerSecondPerPlayer / 1000, "0.00"));
        table.AddRow("tool CPU (% of a core)", ConsoleFormat.F(b.ToolCpuPercent, "0"), "server CPU (% of a core)", b.ServerCpuPercent is { } cpu ? ConsoleFormat.F(cpu, "0") : "–");
        if (_messages.Count == 0)
        {
            return table;
        }
        return new Rows(table, new Rows(_messages.Select(m => new Markup(m))));
    }
}

using System.Runtime.InteropServices;
using GameServer.LoadTest.Cli;

// Ctrl+C and SIGTERM end the run at the next second; the result is still written (marked interrupted).
// A second Ctrl+C is not intercepted and ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true;
        stop.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await LoadTestCli.RunAsync(args, Console.Out, stop.Token);

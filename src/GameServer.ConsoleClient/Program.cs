using GameServer.ConsoleClient;

// gameserver-client <ws-uri> <token> [inputs]: joins the arena, moves right until that many inputs are acknowledged,
// and prints one line with what it saw. Exit code 0 only if the server acknowledged them and the entity moved.
if (args.Length is < 2 or > 3 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server) || server.Scheme is not ("ws" or "wss"))
{
    Console.Error.WriteLine("usage: gameserver-client <ws://host:port/ws> <token> [inputs, default 10]");
    return 2;
}
var inputs = args.Length == 3 && int.TryParse(args[2], out var n) && n > 0 ? n : 10;
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    var result = await ArenaRun.PlayAsync(server, args[1], inputs, timeout.Token);
    Console.WriteLine(result);
    return result.Moved ? 0 : 1;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Console.Error.WriteLine($"failed: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

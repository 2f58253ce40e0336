using System.Diagnostics;

namespace GameServer.Testing;

/// <summary>Waiting on conditions with a generous bound, never on fixed sleeps.</summary>
public static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(100);
        }
    }
}

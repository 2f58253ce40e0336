using System.Diagnostics;

namespace GameServer.Grains.Tests;

/// <summary>Waits on a condition with a generous bound instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}.");
            }
            await Task.Delay(20);
        }
    }
}

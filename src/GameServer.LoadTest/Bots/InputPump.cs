using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// The single send loop: every 5 ms it sends the input of each joined bot that is due. One loop for all bots keeps the
/// tool cheap (the capacity probe drove 2,000 players from one core this way) and the send times honest.
/// </summary>
internal sealed class InputPump
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(5);

    private readonly object _gate = new();
    private Bot[] _bots = [];

    /// <summary>Starts sending this bot's inputs from its random phase on.</summary>
    public void Add(Bot bot)
    {
        lock (_gate)
        {
            bot.StartSending(Clock.Now);
            _bots = [.. _bots, bot]; // copy-on-write: the loop reads the array without a lock
        }
    }

    /// <summary>Stops sending for this bot (--churn: it is leaving).</summary>
    public void Remove(Bot bot)
    {
        lock (_gate)
        {
            _bots = [.. _bots.Where(b => !ReferenceEquals(b, bot))];
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Clock.Now;
                foreach (var bot in Volatile.Read(ref _bots))
                {
                    if (bot.IsSending && now >= bot.NextSendAt)
                    {
                        bot.SendInput(now);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

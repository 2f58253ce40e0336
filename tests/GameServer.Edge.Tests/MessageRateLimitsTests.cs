namespace GameServer.Edge.Tests;

public sealed class MessageRateLimitsTests
{
    [Fact]
    public void Inputs_BeyondTheBurst_AreRefused()
    {
        using var limits = new MessageRateLimits(new EdgeOptions { InputsPerSecond = 1, InputBurst = 5 });

        var allowed = Enumerable.Range(0, 8).Count(_ => limits.TryInput());

        Assert.Equal(5, allowed);
    }

    [Fact]
    public async Task Inputs_RefillWithElapsedTime_WithoutATimer()
    {
        // 200/s refills one token every 5 ms: after draining the bucket, waiting refills it (no auto-replenish timer).
        using var limits = new MessageRateLimits(new EdgeOptions { InputsPerSecond = 200, InputBurst = 4 });
        while (limits.TryInput())
        {
        }

        await Task.Delay(100);

        Assert.True(limits.TryInput(), "a token came back after 100 ms at 200/s");
    }

    [Fact]
    public async Task AClientSendingAtTwentyHertz_IsNeverLimitedByTheDefaults()
    {
        using var limits = new MessageRateLimits(new EdgeOptions());
        var refused = 0;
        for (var i = 0; i < 40; i++)
        {
            // Two inputs back to back, then a gap: bursty but 20/s on average.
            refused += (limits.TryInput() ? 0 : 1) + (limits.TryInput() ? 0 : 1);
            await Task.Delay(100);
        }

        Assert.Equal(0, refused);
    }

    [Fact]
    public void Control_HasItsOwnBudget()
    {
        using var limits = new MessageRateLimits(new EdgeOptions { ControlMessagesPerSecond = 1, ControlBurst = 2, InputBurst = 3 });

        Assert.True(limits.TryControl());
        Assert.True(limits.TryControl());
        Assert.False(limits.TryControl());
        Assert.True(limits.TryInput());
    }

    [Fact]
    public void Strikes_RunOutAfterTheAllowance()
    {
        using var limits = new MessageRateLimits(new EdgeOptions { MaxRateLimitStrikes = 3, RateLimitStrikesPerSecond = 1 });

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => limits.TryStrike()).ToArray());
    }
}

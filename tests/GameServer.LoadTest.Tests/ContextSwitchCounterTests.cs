using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

public sealed class ContextSwitchCounterTests
{
    [Fact]
    public void Add_TheFirstRead_IsTheBaselineAndCountsNothing()
    {
        var counter = new ContextSwitchCounter();

        var total = counter.Add(Threads((1, 500, 40), (2, 9_000, 700)));

        Assert.Equal(new ContextSwitches(0, 0), total);
    }

    [Fact]
    public void Add_SumsEachThreadsIncreaseSinceTheLastRead()
    {
        var counter = new ContextSwitchCounter();
        counter.Add(Threads((1, 500, 40), (2, 9_000, 700)));

        counter.Add(Threads((1, 510, 41), (2, 9_300, 720)));
        var total = counter.Add(Threads((1, 512, 41), (2, 9_400, 725)));

        Assert.Equal(new ContextSwitches(12 + 400, 1 + 25), total);
        Assert.Equal(total, counter.Total);
    }

    [Fact]
    public void Add_ANewThread_CountsWhole_AndAThreadThatExited_KeepsWhatItAddedBefore()
    {
        var counter = new ContextSwitchCounter();
        counter.Add(Threads((1, 100, 10), (2, 200, 20)));
        counter.Add(Threads((1, 100, 10), (2, 250, 25)));    // thread 2: +50, +5

        var total = counter.Add(Threads((1, 100, 10), (3, 30, 3))); // thread 2 exited; thread 3 is new

        Assert.Equal(new ContextSwitches(50 + 30, 5 + 3), total);
    }

    [Fact]
    public void Add_AThreadIdReusedByANewThread_CountsTheNewThreadWhole()
    {
        var counter = new ContextSwitchCounter();
        counter.Add(Threads((7, 1_000, 100)));

        var total = counter.Add(Threads((7, 4, 1))); // lower than before: a different thread now has id 7

        Assert.Equal(new ContextSwitches(4, 1), total);
    }

    private static KeyValuePair<int, ContextSwitches>[] Threads(params (int Id, long Voluntary, long Nonvoluntary)[] threads) =>
        [.. threads.Select(t => new KeyValuePair<int, ContextSwitches>(t.Id, new ContextSwitches(t.Voluntary, t.Nonvoluntary)))];
}

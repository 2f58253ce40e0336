using GameServer.LoadTest.Bots;
using GameServer.LoadTest.Measurement;

namespace GameServer.LoadTest.Tests;

/// <summary>Input→ack bookkeeping on fake timestamps (Stopwatch ticks): what is timed, and what an outage keeps out.</summary>
public sealed class AckTimerTests
{
    private static readonly long s_ms = System.Diagnostics.Stopwatch.Frequency / 1000;

    [Fact]
    public void Acked_OneAckCoveringSeveralInputs_TimesEachFromItsOwnSend()
    {
        var (timer, latency) = New();
        timer.Sent(1, At(0));
        timer.Sent(2, At(50));
        timer.Sent(3, At(100));

        var measured = timer.Acked(3, At(130), fence: 0, untimed: false, latency);

        Assert.Equal(3, measured);
        Assert.Equal(3, timer.Timed);
        var histogram = latency.TakeInterval();
        Assert.Equal(3, histogram.TotalCount);
        Assert.InRange(HistogramMath.Percentile(histogram, 100), 129.9, 130.1);
        Assert.InRange(HistogramMath.Percentile(histogram, 1), 29.9, 30.1);
    }

    [Fact]
    public void Acked_AckAtOrBelowTheLast_RecordsNothing()
    {
        var (timer, latency) = New();
        timer.Sent(1, At(0));
        timer.Sent(2, At(50));
        timer.Acked(2, At(80), 0, false, latency);
        latency.TakeInterval();

        // A restored room's ack is the checkpoint's: below what was already measured.
        Assert.Equal(0, timer.Acked(1, At(2_000), 0, false, latency));
        Assert.Equal(0, timer.Acked(2, At(2_050), 0, false, latency));
        Assert.Equal(0, latency.TakeInterval().TotalCount);
        Assert.Equal(2, timer.Timed);
    }

    [Fact]
    public void Acked_AfterARoomRestore_InputsSentWhileTheRoomWasDownAreNotTimed()
    {
        var (timer, latency) = New();
        for (uint seq = 1; seq <= 10; seq++)
        {
            timer.Sent(seq, At(seq * 50));
        }
        timer.Acked(5, At(300), 0, false, latency);
        latency.TakeInterval();
        // The room stalled at 300 ms; inputs 6..10 went out while it was down; it came back restored at 3 s.
        var restoredAt = At(3_000);
        timer.Sent(11, At(3_020));

        var measured = timer.Acked(11, At(3_060), fence: restoredAt, untimed: false, latency);

        Assert.Equal(1, measured);
        Assert.Equal(5, timer.NotTimed);
        var histogram = latency.TakeInterval();
        Assert.Equal(1, histogram.TotalCount);
        Assert.InRange(HistogramMath.Percentile(histogram, 100), 39.9, 40.1); // not the 3 s outage
    }

    [Fact]
    public void Acked_WhileReconnecting_NothingIsTimed()
    {
        var (timer, latency) = New();
        timer.Sent(1, At(0));

        Assert.Equal(0, timer.Acked(1, At(40), fence: 0, untimed: true, latency));
        Assert.Equal(1, timer.NotTimed);
        Assert.Equal(0, latency.TakeInterval().TotalCount);
    }

    [Fact]
    public void Acked_LeapPastTheRingRightAfterAnOutage_CountsTheBacklogAsNotTimedNotUnmeasurable()
    {
        var (timer, latency) = New();
        var inputs = (uint)SendTimeRing.Capacity + 44;
        for (uint seq = 1; seq <= inputs; seq++)
        {
            timer.Sent(seq, At(seq));
        }
        var fence = At(inputs + 1);

        timer.Acked(inputs, At(inputs + 10), fence, untimed: false, latency);

        Assert.Equal(inputs, timer.NotTimed);
        Assert.Equal(0, timer.Unmeasurable);
        Assert.Equal(0, timer.Timed);
    }

    [Fact]
    public void Acked_LeapPastTheRingWithoutAnOutage_IsUnmeasurable()
    {
        var (timer, latency) = New();
        var inputs = (uint)SendTimeRing.Capacity + 44;
        for (uint seq = 1; seq <= inputs; seq++)
        {
            timer.Sent(seq, At(seq));
        }

        timer.Acked(inputs, At(inputs + 10), fence: 0, untimed: false, latency);

        Assert.Equal(44, timer.Unmeasurable);
        Assert.Equal(SendTimeRing.Capacity, timer.Timed);
    }

    [Fact]
    public void Restart_ANewSeatsSequenceFromOne_IsTimedAgain()
    {
        var (timer, latency) = New();
        for (uint seq = 1; seq <= 30; seq++)
        {
            timer.Sent(seq, At(seq * 50));
        }
        timer.Acked(30, At(1_540), 0, false, latency);
        var reseatedAt = At(5_000);

        timer.Restart();
        timer.Sent(1, At(5_010));
        var measured = timer.Acked(1, At(5_050), reseatedAt, false, latency);

        Assert.Equal(1, measured);
    }

    private static (AckTimer Timer, MicrosecondRecorder Latency) New() => (new AckTimer(), new MicrosecondRecorder());

    /// <summary>A fake timestamp <paramref name="ms"/> after an arbitrary origin (never 0, which means "none").</summary>
    private static long At(double ms) => 1_000_000 + (long)(ms * s_ms);
}

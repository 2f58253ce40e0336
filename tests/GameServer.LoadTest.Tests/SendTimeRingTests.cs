using GameServer.LoadTest.Bots;

namespace GameServer.LoadTest.Tests;

public sealed class SendTimeRingTests
{
    [Fact]
    public void TryGet_RecentSeq_ReturnsItsSendTime()
    {
        var ring = new SendTimeRing();
        ring.Record(1, 100);
        ring.Record(2, 200);

        Assert.True(ring.TryGet(2, out var sentAt));
        Assert.Equal(200, sentAt);
    }

    [Fact]
    public void TryGet_SeqOverwrittenByOneRingLater_IsUnmeasurable()
    {
        var ring = new SendTimeRing();
        for (uint seq = 1; seq <= SendTimeRing.Capacity + 1; seq++)
        {
            ring.Record(seq, seq * 10);
        }

        Assert.False(ring.TryGet(1, out _));
        Assert.True(ring.TryGet(SendTimeRing.Capacity + 1, out var sentAt));
        Assert.Equal((SendTimeRing.Capacity + 1) * 10, sentAt);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(5u)]
    public void TryGet_NeverSent_IsUnmeasurable(uint seq)
    {
        Assert.False(new SendTimeRing().TryGet(seq, out _));
    }
}

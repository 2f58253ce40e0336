namespace GameServer.Protocol.Tests;

public sealed class SettingsChangedTests
{
    [Fact]
    public void DecodeServer_WhenSettingsChangedEncoded_ReturnsEqualMessage()
    {
        var sent = new SettingsChanged(Tick: 1234, TickRateHz: 30, SnapshotEveryTicks: 2, MaxPlayers: 6);

        var bytes = MessageCodec.Encode(sent);

        Assert.Equal(MessageType.SettingsChanged, MessageCodec.PeekType(bytes));
        Assert.Equal(sent, MessageCodec.DecodeServer(bytes));
    }

    [Fact]
    public void Encode_SettingsChanged_IsTheDocumentedBytes() =>
        // [15, [1234, 30, 2, 6]]
        Assert.Equal("92-0F-94-CD-04-D2-1E-02-06", BitConverter.ToString(MessageCodec.Encode(new SettingsChanged(1234, 30, 2, 6))));
}

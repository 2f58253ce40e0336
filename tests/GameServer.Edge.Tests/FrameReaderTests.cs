using System.Net.WebSockets;

namespace GameServer.Edge.Tests;

public sealed class FrameReaderTests
{
    private const int MaxMessageBytes = 100;

    private static Task<(FrameKind Kind, int Length)> ReadOneAsync(ScriptedWebSocket socket, byte[] buffer) =>
        new FrameReader(socket, MaxMessageBytes).ReceiveAsync(buffer, CancellationToken.None);

    [Fact]
    public async Task AMessageInSeveralChunks_IsReadWhole_IntoTheBuffer()
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Binary, 30, 10, 5, 15);
        var buffer = new byte[MaxMessageBytes];

        var (kind, length) = await ReadOneAsync(socket, buffer);

        Assert.Equal((FrameKind.Binary, 30), (kind, length));
        Assert.Equal(Enumerable.Range(0, 30).Select(b => (byte)b), buffer.Take(30));
    }

    [Theory]
    // Exactly the limit fits, also in a buffer that holds only the limit; one byte more does not.
    [InlineData(MaxMessageBytes, MaxMessageBytes, nameof(FrameKind.Binary))]
    [InlineData(MaxMessageBytes, MaxMessageBytes * 2, nameof(FrameKind.Binary))]
    [InlineData(MaxMessageBytes + 1, MaxMessageBytes, nameof(FrameKind.TooBig))]
    [InlineData(MaxMessageBytes + 1, MaxMessageBytes * 2, nameof(FrameKind.TooBig))]
    [InlineData(10_000, MaxMessageBytes * 2, nameof(FrameKind.TooBig))]
    public async Task AMessageOverTheLimit_IsTooBig_WhateverTheBufferSize(int messageBytes, int bufferBytes, string expected)
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Binary, messageBytes);

        var (kind, _) = await ReadOneAsync(socket, new byte[bufferBytes]);

        Assert.Equal(Enum.Parse<FrameKind>(expected), kind);
    }

    [Fact]
    public async Task TooBig_StopsReadingAtTheLimit_RatherThanBufferingTheRest()
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Binary, 1_000, 60, 60, 880);

        var (kind, length) = await ReadOneAsync(socket, new byte[MaxMessageBytes * 2]);

        Assert.Equal(FrameKind.TooBig, kind);
        Assert.InRange(length, MaxMessageBytes + 1, 120);
    }

    [Fact]
    public async Task TextAndClose_AreToldApart()
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Text, 5).Close();
        var reader = new FrameReader(socket, MaxMessageBytes);
        var buffer = new byte[MaxMessageBytes];

        var text = await reader.ReceiveAsync(buffer, CancellationToken.None);
        var close = await reader.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Equal((FrameKind.Text, 5), text);
        Assert.Equal((FrameKind.Close, 0), close);
    }

    [Fact]
    public async Task EveryReceive_CountsAsTheClientBeingAlive()
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Binary, 1);
        var reader = new FrameReader(socket, MaxMessageBytes);
        var before = reader.LastReceivedAt;
        var earliest = Environment.TickCount64;

        await reader.ReceiveAsync(new byte[MaxMessageBytes], CancellationToken.None);

        Assert.True(reader.LastReceivedAt >= earliest, $"{reader.LastReceivedAt} >= {earliest}");
        Assert.True(reader.LastReceivedAt >= before);
    }

    [Fact]
    public async Task FragmentsOfAMessageNeverFinished_DoNotCountAsTheClientBeingAlive()
    {
        var socket = new ScriptedWebSocket().Message(WebSocketMessageType.Binary, 1).Unfinished(WebSocketMessageType.Binary, chunks: 5);
        var reader = new FrameReader(socket, MaxMessageBytes);
        await reader.ReceiveAsync(new byte[MaxMessageBytes], CancellationToken.None);
        var afterTheWholeMessage = reader.LastReceivedAt;
        Assert.False(reader.HasPartialMessage);
        using var stop = new CancellationTokenSource();

        // The scripted fragments arrive synchronously; then the read waits for a sixth that never comes.
        var stuck = reader.ReceiveAsync(new byte[MaxMessageBytes], stop.Token);

        Assert.Equal(0, socket.Pending);
        Assert.False(stuck.IsCompleted);
        Assert.True(reader.HasPartialMessage);
        Assert.Equal(afterTheWholeMessage, reader.LastReceivedAt);
        stop.Cancel();
        Assert.Equal(FrameKind.Close, (await stuck).Kind); // the scripted socket ends a cancelled wait as a close
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using GameServer.Client;
using GameServer.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Xunit.Abstractions;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The slow-consumer guard over real sockets: a peer that joins a room and then stops reading is closed with 4001
/// once its snapshots have been dropped too many times in a row, while a player in the same room is not slowed down.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class SlowConsumerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task APeerThatStopsReading_IsClosedWith4001_WhileAnHonestPlayerInTheSameRoomKeepsItsSnapshotRate()
    {
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Edge:AllowJoinByRoomId"] = "true",
            // A two-player room sends ~1 KB/s: with the default 64 KB buffers a non-reading peer takes minutes to
            // block a send; 4 KB takes seconds. The guard under test is the same.
            ["Edge:SendBufferBytes"] = "4096",
            // No reconnect grace: the closed peer's seat is released at once, which the honest player sees.
            ["Rooms:arena:ReconnectGraceSeconds"] = "0",
        });
        await using var honest = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        var playersSeen = 0;
        honest.SnapshotReceived += snapshot => Volatile.Write(ref playersSeen, snapshot.Acks.Length / 2);
        await honest.ConnectAsync(host.WebSocketUri);
        var welcome = await honest.JoinAsync("arena");
        await Wait.UntilAsync(() => honest.SnapshotsReceived > 0, "the honest player receives snapshots");

        // A peer with a tiny receive buffer that joins the honest player's room, then never reads again.
        using var peer = await RawWebSocketPeer.ConnectAsync(host, receiveBufferSize: 1024);
        await peer.SendBinaryAsync(MessageCodec.Encode(new Join(null, welcome.RoomId)));
        await Wait.UntilAsync(() => Volatile.Read(ref playersSeen) == 2, "the peer is in the honest player's room");
        var clock = Stopwatch.StartNew();
        var honestBefore = honest.SnapshotsReceived;

        using var http = new HttpClient { BaseAddress = host.ManagementUri };
        PrometheusText metrics = null!;
        await Wait.UntilAsync(async () =>
        {
            metrics = new PrometheusText(await http.GetStringAsync("/metrics"));
            return metrics.Sum("gameserver_edge_connections_closed_total", "gameserver_close_reason=\"slow_consumer\"") >= 1;
        }, "the server closes the peer as a slow consumer", s_bound);
        var elapsed = clock.Elapsed;
        var honestRate = (honest.SnapshotsReceived - honestBefore) / elapsed.TotalSeconds;
        output.WriteLine($"slow consumer closed after {elapsed.TotalSeconds:0.0} s; snapshots dropped {metrics.Sum("gameserver_edge_snapshots_dropped_total")}; honest rate {honestRate:0.0}/s");

        // The close frame is queued behind the unread data, so it may never get out: after the close timeout the
        // server aborts. Reading now drains what was buffered and finds either the 4001 close frame or the end.
        var (closeCode, ended) = await peer.ReadUntilCloseAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"peer saw close code {closeCode?.ToString() ?? "none"}, stream ended {ended}");

        Assert.True(metrics.Sum("gameserver_edge_snapshots_dropped_total") > 0, metrics.Text);
        Assert.True(closeCode == CloseCode.SlowConsumer || closeCode is null && ended, $"close code {closeCode}, ended {ended}");
        Assert.InRange(honestRate, 18, 22);
        Assert.Equal(ConnectionState.InRoom, honest.State);
        await Wait.UntilAsync(() => Volatile.Read(ref playersSeen) == 1, "the closed peer leaves the room");
        var before = honest.SnapshotsReceived;
        await Wait.UntilAsync(() => honest.SnapshotsReceived >= before + 10, "the honest player keeps receiving snapshots");
    }
}

/// <summary>
/// A WebSocket client written by hand on a <see cref="TcpClient"/>, so the test controls the socket's receive
/// buffer and can simply stop reading: the upgrade request, masked client frames, and a reader for server frames.
/// </summary>
internal sealed class RawWebSocketPeer : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _pending = [];

    private RawWebSocketPeer(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects with the given receive buffer (set before connecting, so the TCP window starts small) and completes the upgrade.</summary>
    public static async Task<RawWebSocketPeer> ConnectAsync(TestHost host, int receiveBufferSize)
    {
        var tcp = new TcpClient();
        tcp.Client.ReceiveBufferSize = receiveBufferSize;
        await tcp.ConnectAsync(host.HttpUri.Host, host.HttpUri.Port);
        var peer = new RawWebSocketPeer(tcp);
        var request = $"GET {ProtocolVersion.Path} HTTP/1.1\r\nHost: {host.HttpUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\n" +
            $"Sec-WebSocket-Protocol: {ProtocolVersion.SubProtocol}\r\nAuthorization: Bearer {host.NewToken()}\r\n\r\n";
        await peer._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var response = await peer.ReadHttpResponseAsync();
        if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            peer.Dispose();
            throw new InvalidOperationException("Upgrade refused: " + response);
        }
        return peer;
    }

    /// <summary>Sends one masked binary frame (client frames must be masked, RFC 6455 §5.3).</summary>
    public async Task SendBinaryAsync(byte[] payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "Only short frames are needed here.");
        }
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x82; // FIN + binary
        frame[1] = (byte)(0x80 | payload.Length);
        var mask = frame.AsSpan(2, 4);
        Random.Shared.NextBytes(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }
        await _stream.WriteAsync(frame);
    }

    /// <summary>
    /// Reads server frames until a close frame (returning its code) or the end of the stream, within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int? CloseCode, bool Ended)> ReadUntilCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        _pending.CopyTo(buffer, 0);
        int start = 0, end = _pending.Length;
        try
        {
            while (true)
            {
                while (TryTakeFrame(buffer.AsSpan(start, end - start), out var opcode, out var payload, out var consumed))
                {
                    start += consumed;
                    if (opcode == 0x8)
                    {
                        return (payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null, false);
                    }
                }
                // Keep the unparsed tail at the front, and grow for a frame larger than the buffer.
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = await _stream.ReadAsync(buffer.AsMemory(end), cts.Token);
                if (read == 0)
                {
                    return (null, true);
                }
                end += read;
            }
        }
        catch (IOException)
        {
            return (null, true);
        }
        catch (OperationCanceledException)
        {
            return (null, false);
        }
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<string> ReadHttpResponseAsync()
    {
        var received = new List<byte>();
        var chunk = new byte[1024];
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (true)
        {
            var read = await _stream.ReadAsync(chunk, cts.Token);
            if (read == 0)
            {
                return Encoding.ASCII.GetString(received.ToArray());
            }
            received.AddRange(chunk.AsSpan(0, read));
            var all = received.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                _pending = all[(end + 4)..]; // frames that arrived with the response
                return Encoding.ASCII.GetString(all, 0, end);
            }
        }
    }

    /// <summary>Parses one complete server frame (unmasked) at the start of <paramref name="data"/>.</summary>
    private static bool TryTakeFrame(ReadOnlySpan<byte> data, out int opcode, out byte[] payload, out int consumed)
    {
        opcode = 0;
        payload = [];
        consumed = 0;
        if (data.Length < 2)
        {
            return false;
        }
        var header = 2;
        long length = data[1] & 0x7f;
        if (length == 126)
        {
            if (data.Length < 4)
            {
                return false;
            }
            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10)
            {
                return false;
            }
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            header = 10;
        }
        if (data.Length < header + length)
        {
            return false;
        }
        opcode = data[0] & 0x0f;
        payload = data.Slice(header, (int)length).ToArray();
        consumed = header + (int)length;
        return true;
    }
}

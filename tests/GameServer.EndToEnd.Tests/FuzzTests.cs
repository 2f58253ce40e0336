using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using GameServer.Client;
using GameServer.Client.SignalR;
using GameServer.Protocol;
using GameServer.Protocol.Arena;
using MessagePack;
using Xunit.Abstractions;
using ErrorCode = GameServer.Protocol.ErrorCode;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// Hostile connections fire thousands of bad frames (random bytes, truncated and oversized frames, wrong MessagePack
/// types, unknown type codes, hostile input payloads, garbage joins, text frames) into the room two honest players
/// are playing in, on each transport (the WebSocket, and the fallback hub's Server-Sent Events and long polling, where
/// every frame but the text frames can be sent). The frames come from a seeded generator: set <c>GAMESERVER_FUZZ_SEED</c> to replay a run's
/// frame sequences (timing, and so the interleaving, still varies).
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
[CheckLogs]
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_260_101;
    private const int HonestPlayers = 2;
    private const int HostileWorkers = 6; // with the honest players, the arena room's 8 seats
    private const int FramesPerSecondPerWorker = 150;
    private static readonly TimeSpan s_fuzzDuration = TimeSpan.FromSeconds(12);
    private static readonly int[] s_documentedCloseCodes =
    [
        CloseCode.UnsupportedData, CloseCode.InvalidPayload, CloseCode.PolicyViolation, CloseCode.MessageTooBig,
        CloseCode.SlowConsumer, CloseCode.IdleTimeout,
    ];

    [Theory]
    [InlineData("websocket")]
    [InlineData("sse")]
    [InlineData("longpolling")]
    public async Task ThousandsOfHostileFrames_CloseOnlyTheSendersWithDocumentedCodes_WhileHonestPlayersPlayOnAtFullRate(string transport)
    {
        var clientTransport = TransportNamed(transport);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("GAMESERVER_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromEnv)
            ? fromEnv
            : DefaultSeed;
        var replay = $"fuzz seed {seed} over {transport} (replay with GAMESERVER_FUZZ_SEED={seed})";
        output.WriteLine(replay);
        await using var host = await TestHost.StartAsync("Production", new Dictionary<string, string?> { ["Edge:AllowJoinByRoomId"] = "true" });

        var honest = new List<HonestPlayer>();
        try
        {
            for (var i = 0; i < HonestPlayers; i++)
            {
                honest.Add(await HonestPlayer.ConnectAsync(host, clientTransport, honest.Count == 0 ? null : honest[0].Client.Room!.RoomId));
            }
            var roomId = honest[0].Client.Room!.RoomId;
            await Wait.UntilAsync(() => honest.All(p => p.Client.SnapshotsReceived > 0), "honest players receive snapshots");

            var stats = new FuzzStats();
            using var stop = new CancellationTokenSource();
            var honestInputs = honest.Select((p, i) => p.SendInputsAsync(new Random(seed + i), stop.Token)).ToArray();
            var window = Stopwatch.StartNew();
            var honestStart = honest.Select(p => (Snapshots: p.Client.SnapshotsReceived, Ack: p.Client.LastAckedSeq)).ToArray();
            var deadline = DateTime.UtcNow + s_fuzzDuration;
            var workers = Enumerable.Range(0, HostileWorkers)
                .Select(w => Task.Run(() => HostileWorkerAsync(host, clientTransport, roomId, new Random(unchecked(seed * 31 + w)), deadline, stats)))
                .ToArray();
            await Task.WhenAll(workers);
            var windowSeconds = window.Elapsed.TotalSeconds;
            var honestRates = honest.Select((p, i) => (p.Client.SnapshotsReceived - honestStart[i].Snapshots) / windowSeconds).ToArray();
            var honestAcks = honest.Select(p => p.Client.LastAckedSeq).ToArray();
            stop.Cancel();
            await Task.WhenAll(honestInputs);

            // Every honest input was processed: the last one sent is acknowledged.
            foreach (var player in honest)
            {
                await Wait.UntilAsync(() => player.Client.LastAckedSeq == player.Client.LastSentSeq,
                    $"{replay}: honest acks reach the last input sent ({player.Client.LastAckedSeq} of {player.Client.LastSentSeq})");
            }
            using var http = new HttpClient { BaseAddress = host.ManagementUri };
            using var health = await http.GetAsync("/healthz");
            var metrics = new PrometheusText(await http.GetStringAsync("/metrics"));
            await using var latecomer = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken(), Transport = clientTransport });
            await latecomer.ConnectAsync(host.WebSocketUri);
            var latecomerWelcome = await latecomer.JoinAsync("arena");

            output.WriteLine($"fuzz window {windowSeconds:0.0} s, {HostileWorkers} hostile workers");
            output.WriteLine($"hostile frames sent: {stats.Frames} ({stats.Frames / windowSeconds:0}/s); by kind: {FuzzStats.Format(stats.FramesByKind)}");
            output.WriteLine($"hostile connections: opened {stats.Opened}, refused at handshake {stats.HandshakesRefused}, " +
                $"closed by the server {stats.ClosedByServer.Values.Sum()} (by code: {FuzzStats.Format(stats.ClosedByServer)}), still open at the end {stats.OpenAtEnd}");
            output.WriteLine($"fatal frames that did not close the connection: {FuzzStats.Format(stats.FatalNotClosed)}; close code not the one expected: {FuzzStats.Format(stats.UnexpectedCodes)}");
            output.WriteLine($"errors received by hostile clients: {FuzzStats.Format(stats.ErrorsByCode)}");
            var serverLog = host.Logs.Entries.Where(e => e.Category.StartsWith("GameServer", StringComparison.Ordinal)).ToList();
            output.WriteLine($"server warnings and errors logged by GameServer components: {serverLog.Count}{string.Concat(serverLog.Take(5).Select(e => "\n  " + e))}");
            for (var i = 0; i < honest.Count; i++)
            {
                output.WriteLine($"honest player {i}: {honestRates[i]:0.00} snapshots/s over the window, acks {honestStart[i].Ack} -> {honestAcks[i]} " +
                    $"(last sent {honest[i].Client.LastSentSeq}), longest snapshot gap {honest[i].LongestGap.TotalMilliseconds:0} ms, errors {honest[i].Errors.Count}, closed {honest[i].ClosedWith?.ToString() ?? "no"}");
            }
            output.WriteLine("server counters: " + string.Join("; ", metrics.Text.Split('\n')
                .Where(l => l.StartsWith("gameserver_edge_connections_closed_total", StringComparison.Ordinal)
                    || l.StartsWith("gameserver_edge_protocol_errors_total", StringComparison.Ordinal)
                    || l.StartsWith("gameserver_edge_inputs_dropped_total", StringComparison.Ordinal)
                    || l.StartsWith("gameserver_room_inputs_total", StringComparison.Ordinal)
                    || l.StartsWith("gameserver_room_ticks_skipped_total", StringComparison.Ordinal)
                    || l.StartsWith("gameserver_edge_snapshots_dropped_total", StringComparison.Ordinal))
                .Select(l => l.Trim())));

            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{replay}: /healthz answered {(int)health.StatusCode}");
            Assert.True(latecomerWelcome.RoomId.Length > 0, $"{replay}: a new player can still join");
            Assert.True(serverLog.Count == 0, $"{replay}: the server logged {serverLog.Count} warnings or errors, first: {serverLog.FirstOrDefault()}");
            Assert.True(stats.Frames >= 5000, $"{replay}: only {stats.Frames} hostile frames were sent");
            var undocumented = stats.ClosedByServer.Where(c => !int.TryParse(c.Key, out var code) || !s_documentedCloseCodes.Contains(code)).ToArray();
            Assert.True(undocumented.Length == 0, $"{replay}: hostile connections closed with undocumented codes: {FuzzStats.Format(undocumented)}");
            Assert.True(stats.ClosedByServer.Values.Sum() > 0, $"{replay}: the server closed no hostile connection");
            // Random bytes may happen to form a valid frame; every other frame the protocol closes on must close...
            Assert.True(stats.FatalNotClosed.Keys.All(k => k == "random-bytes"), $"{replay}: frames that must close did not: {FuzzStats.Format(stats.FatalNotClosed)}");
            // ...with its documented code, unless the rate limits closed the connection (1008) first.
            Assert.True(stats.UnexpectedCodes.Keys.All(k => k.EndsWith(":" + CloseCode.PolicyViolation, StringComparison.Ordinal)),
                $"{replay}: frames closed with another code than documented for them: {FuzzStats.Format(stats.UnexpectedCodes)}");
            for (var i = 0; i < honest.Count; i++)
            {
                var player = honest[i];
                Assert.True(player.Errors.IsEmpty, $"{replay}: honest player {i} got errors: {string.Join(", ", player.Errors.Select(e => $"{e.Code} {e.Message}"))}");
                Assert.True(player.ClosedWith is null, $"{replay}: honest player {i}'s connection closed ({player.ClosedWith})");
                Assert.True(player.Client.State == ConnectionState.InRoom, $"{replay}: honest player {i} is {player.Client.State}");
                Assert.True(honestRates[i] >= 18, $"{replay}: honest player {i} received {honestRates[i]:0.00} snapshots/s (tick rate 20; longest gap {player.LongestGap.TotalMilliseconds:0} ms)");
                Assert.True(honestAcks[i] > honestStart[i].Ack, $"{replay}: honest player {i}'s acks did not advance ({honestStart[i].Ack} -> {honestAcks[i]})");
            }
        }
        finally
        {
            foreach (var player in honest)
            {
                await player.Client.DisposeAsync();
            }
        }
    }

    private static ClientTransport TransportNamed(string name) => name switch
    {
        "sse" => SignalRTransport.ServerSentEvents,
        "longpolling" => SignalRTransport.LongPolling,
        _ => ClientTransport.WebSocket,
    };

    /// <summary>One hostile connection after another until the deadline: join the room, then fire generated frames.</summary>
    private static async Task HostileWorkerAsync(TestHost host, ClientTransport transport, string roomId, Random random, DateTime deadline, FuzzStats stats)
    {
        // The hub carries binary frames only: no text frames to send there.
        var frames = new HostileFrames(random, roomId, textFrames: transport == ClientTransport.WebSocket);
        var pace = Stopwatch.StartNew();
        long sent = 0;
        while (DateTime.UtcNow < deadline)
        {
            var client = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken(), DecodeSnapshots = false, Transport = transport });
            client.ErrorReceived += e => stats.ErrorsByCode.AddOrUpdate(ErrorCode.Name(e.Code), 1, (_, n) => n + 1);
            try
            {
                try
                {
                    await client.ConnectAsync(host.WebSocketUri);
                }
                catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref stats.HandshakesRefused);
                    await Task.Delay(100);
                    continue;
                }
                Interlocked.Increment(ref stats.Opened);
                // One connection in four floods (until the rate limits close it); the others mostly fuzz.
                var flooding = random.Next(4) == 0;
                var (frame, type, kind, expected) = frames.JoinTheRoom();
                while (true)
                {
                    try
                    {
                        await client.SendRawAsync(frame, type);
                    }
                    catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
                    {
                        break; // closed under us; the close code is read below
                    }
                    Interlocked.Increment(ref stats.Frames);
                    stats.FramesByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
                    if (expected is not null)
                    {
                        // A frame the server must close on: wait for the close rather than send into a closing socket.
                        if (await Task.WhenAny(client.Completion, Task.Delay(TimeSpan.FromSeconds(3))) != client.Completion)
                        {
                            stats.FatalNotClosed.AddOrUpdate(kind, 1, (_, n) => n + 1);
                        }
                        else if ((int?)client.CloseStatus is { } code && !expected.Contains(code))
                        {
                            stats.UnexpectedCodes.AddOrUpdate($"{kind}:{code}", 1, (_, n) => n + 1);
                        }
                    }
                    if (client.State == ConnectionState.Closed || DateTime.UtcNow >= deadline)
                    {
                        break;
                    }
                    // Paced by the clock: on average FramesPerSecondPerWorker, in small bursts.
                    if (++sent % 8 == 0)
                    {
                        var due = TimeSpan.FromSeconds((double)sent / FramesPerSecondPerWorker);
                        if (due > pace.Elapsed)
                        {
                            await Task.Delay(due - pace.Elapsed);
                        }
                    }
                    (frame, type, kind, expected) = frames.Next(flooding);
                }
                if (client.State == ConnectionState.Closed || await Task.WhenAny(client.Completion, Task.Delay(TimeSpan.FromSeconds(1))) == client.Completion)
                {
                    var code = (int?)client.CloseStatus;
                    stats.ClosedByServer.AddOrUpdate(code?.ToString(CultureInfo.InvariantCulture) ?? "none (no close frame)", 1, (_, n) => n + 1);
                }
                else
                {
                    Interlocked.Increment(ref stats.OpenAtEnd);
                }
            }
            finally
            {
                await client.DisposeAsync();
            }
        }
    }

    private sealed class FuzzStats
    {
        public long Frames;
        public long Opened;
        public long HandshakesRefused;
        public long OpenAtEnd;
        public readonly ConcurrentDictionary<string, long> FramesByKind = new();
        public readonly ConcurrentDictionary<string, long> ClosedByServer = new();
        public readonly ConcurrentDictionary<string, long> FatalNotClosed = new();
        public readonly ConcurrentDictionary<string, long> UnexpectedCodes = new();
        public readonly ConcurrentDictionary<string, long> ErrorsByCode = new();

        public static string Format(IEnumerable<KeyValuePair<string, long>> counts)
        {
            var text = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
            return text.Length == 0 ? "none" : text;
        }
    }

    /// <summary>A player that joins, sends inputs at 20 Hz and records every error and close.</summary>
    private sealed class HonestPlayer
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastSnapshotAt;

        private HonestPlayer(GameClient client)
        {
            Client = client;
            client.ErrorReceived += Errors.Enqueue;
            client.Closed += (status, reason) => ClosedWith = $"{(int?)status} {reason}";
            client.SnapshotFrameReceived += (_, _) =>
            {
                var now = _clock.Elapsed;
                if (_lastSnapshotAt is { } last && now - last > LongestGap)
                {
                    LongestGap = now - last;
                }
                _lastSnapshotAt = now;
            };
        }

        /// <summary>The longest time between two snapshots (50 ms at 20 Hz).</summary>
        public TimeSpan LongestGap { get; private set; }

        public GameClient Client { get; }

        public ConcurrentQueue<Error> Errors { get; } = new();

        public string? ClosedWith { get; private set; }

        public static async Task<HonestPlayer> ConnectAsync(TestHost host, ClientTransport transport, string? roomId)
        {
            var player = new HonestPlayer(new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken(), Transport = transport }));
            await player.Client.ConnectAsync(host.WebSocketUri);
            _ = roomId is null ? await player.Client.JoinAsync("arena") : await player.Client.JoinRoomAsync(roomId);
            return player;
        }

        public async Task SendInputsAsync(Random random, CancellationToken stop)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await Client.SendInputAsync(new ArenaInput(random.NextSingle() * 2 - 1, random.NextSingle() * 2 - 1).ToPayload());
                var due = TimeSpan.FromMilliseconds(i * 50);
                if (due > clock.Elapsed)
                {
                    try
                    {
                        await Task.Delay(due - clock.Elapsed, stop);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }
    }

    /// <summary>
    /// The seeded frame generator. Each frame has a kind, and for frames the server must close on, the close codes
    /// the protocol documents for it (random bytes may happen to be a valid frame, so it only expects, never requires).
    /// </summary>
    private sealed class HostileFrames(Random random, string roomId, bool textFrames)
    {
        private const int EmbeddedDepthLimit = 32; // EmbeddedValue.MaxDepth: deeper payloads are malformed
        private static readonly int[] s_invalidPayload = [CloseCode.InvalidPayload];
        private static readonly int[] s_invalidOrUnknown = [CloseCode.InvalidPayload, CloseCode.PolicyViolation];
        private uint _seq;

        private delegate void Write(ref MessagePackWriter writer);

        public (byte[] Frame, WebSocketMessageType Type, string Kind, int[]? Expected) JoinTheRoom() =>
            (MessageCodec.Encode(new Join(null, roomId)), WebSocketMessageType.Binary, "join-room", null);

        /// <summary>
        /// The next frame. A connection that is <paramref name="flooding"/> sends only frames the server answers without
        /// closing, as fast as it is paced, until its rate-limit strikes run out; otherwise about one frame in ten is one
        /// the server must close on.
        /// </summary>
        public (byte[] Frame, WebSocketMessageType Type, string Kind, int[]? Expected) Next(bool flooding)
        {
            var roll = random.Next(flooding ? 760 : 1000);
            return roll switch
            {
                < 200 => Binary("arena-input", ArenaInputFrame()),
                < 440 => Binary("hostile-payload", InputFrame(++_seq, random.Next(), HostilePayload())),
                < 540 => Binary("odd-seq-or-tick", OddSeqOrTick()),
                < 580 => Binary("extra-fields", ExtraFields()),
                < 670 => Binary("join-garbage", GarbageJoin()),
                < 700 => Binary("join-room", MessageCodec.Encode(new Join(null, roomId))),
                < 740 => Binary("ping", Ping()),
                < 760 => Binary("leave", MessageCodec.Encode(new Leave())),
                < 895 => Binary("arena-input", ArenaInputFrame()),
                < 905 => Fatal("random-bytes", RandomBytes(random.Next(1, 300)), s_invalidOrUnknown),
                < 920 => Fatal("truncated", Truncated(), s_invalidPayload),
                < 930 => Fatal("oversized", Oversized(), [CloseCode.MessageTooBig]),
                < 955 => Fatal("wrong-types", WrongTypes(), s_invalidPayload),
                < 970 => Fatal("too-deep-or-huge", TooDeepOrHuge(), s_invalidPayload),
                < 985 => Fatal("unknown-type", UnknownType(), [CloseCode.PolicyViolation]),
                _ when !textFrames => Fatal("unknown-type", UnknownType(), [CloseCode.PolicyViolation]),
                _ => (Encoding.UTF8.GetBytes(TextFrame()), WebSocketMessageType.Text, "text", [CloseCode.UnsupportedData]),
            };
        }

        private static (byte[], WebSocketMessageType, string, int[]?) Binary(string kind, byte[] frame) => (frame, WebSocketMessageType.Binary, kind, null);

        private static (byte[], WebSocketMessageType, string, int[]?) Fatal(string kind, byte[] frame, int[] expected) => (frame, WebSocketMessageType.Binary, kind, expected);

        private static byte[] Pack(Write body)
        {
            var buffer = new ArrayBufferWriter<byte>(64);
            var writer = new MessagePackWriter(buffer);
            body(ref writer);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }

        private static byte[] InputFrame(uint seq, long tick, Write payload) => Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(MessageType.Input);
            w.WriteArrayHeader(3);
            w.Write(seq);
            w.Write(tick);
            payload(ref w);
        });

        private byte[] ArenaInputFrame() =>
            MessageCodec.Encode(new Input(++_seq, random.Next(), new ArenaInput(random.NextSingle() * 6 - 3, random.NextSingle() * 6 - 3).ToPayload()));

        private Write HostilePayload()
        {
            var n = random.Next(3, 900);
            var depth = random.Next(2, EmbeddedDepthLimit);
            var text = new string('x', random.Next(1, 2000));
            return random.Next(20) switch
            {
                0 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(float.NaN); w.Write(0f); },
                1 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(0f); w.Write(float.PositiveInfinity); },
                2 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(double.NegativeInfinity); w.Write(double.NegativeInfinity); },
                3 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(1e30f); w.Write(-1e30f); },
                4 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(1e300); w.Write(0.5); }, // infinity as float32
                5 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(double.NaN); w.Write(-0.0); },
                6 => (ref MessagePackWriter w) => { w.WriteArrayHeader(n); w.Write(1f); w.Write(1f); for (var i = 2; i < n; i++) { w.WriteNil(); } },
                7 => (ref MessagePackWriter w) => { w.WriteArrayHeader(n); for (var i = 0; i < n; i++) { w.Write(i); } },
                8 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("1"); w.Write("0"); },
                9 => (ref MessagePackWriter w) => { for (var i = 0; i < depth; i++) { w.WriteArrayHeader(1); } w.Write(1); },
                10 => (ref MessagePackWriter w) => w.WriteNil(),
                11 => (ref MessagePackWriter w) => { w.WriteMapHeader(2); w.Write("dx"); w.Write(1); w.Write("dy"); w.Write(0); },
                12 => (ref MessagePackWriter w) => w.Write(new byte[] { 1, 2, 3, 4 }),
                13 => (ref MessagePackWriter w) => { w.WriteExtensionFormatHeader(new ExtensionHeader(5, 4)); w.WriteRaw(new byte[] { 0xde, 0xad, 0xbe, 0xef }); },
                14 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(int.MaxValue); w.Write(long.MinValue); },
                15 => (ref MessagePackWriter w) => w.WriteArrayHeader(0),
                16 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(true); w.Write(false); },
                17 => (ref MessagePackWriter w) => w.Write(DateTime.UnixEpoch),
                18 => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(-0f); w.Write(float.Epsilon); },
                _ => (ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(text); w.Write(ulong.MaxValue); },
            };
        }

        private byte[] OddSeqOrTick()
        {
            uint[] seqs = [0, 1, uint.MaxValue, uint.MaxValue - 1, (uint)random.NextInt64(0, uint.MaxValue)];
            long[] ticks = [long.MinValue, long.MaxValue, -1, 0, random.NextInt64(long.MinValue, long.MaxValue)];
            var payload = new ArenaInput(1, -1).ToPayload();
            return MessageCodec.Encode(new Input(seqs[random.Next(seqs.Length)], ticks[random.Next(ticks.Length)], payload));
        }

        private byte[] ExtraFields()
        {
            var extra = random.Next(1, 6);
            var payload = new ArenaInput(0, 1).ToPayload();
            var seq = ++_seq;
            return Pack((ref MessagePackWriter w) =>
            {
                w.WriteArrayHeader(2);
                w.Write(MessageType.Input);
                w.WriteArrayHeader(3 + extra);
                w.Write(seq);
                w.Write(0);
                w.WriteRaw(payload);
                for (var i = 0; i < extra; i++)
                {
                    w.Write("later-field-" + i);
                }
            });
        }

        private byte[] GarbageJoin()
        {
            ClientMessage join = random.Next(16) switch
            {
                12 => new Create(RandomText(random.Next(0, 40)), random.Next(2) == 0),
                13 => new Create("arena", true, new Dictionary<string, string> { ["mode"] = RandomText(random.Next(1, 80)) }),
                14 => new JoinByCode(RandomText(random.Next(0, 40))),
                15 => new Join("arena", null, new Dictionary<string, string> { [RandomText(random.Next(1, 40))] = RandomText(random.Next(1, 80)) }),
                0 => new Join(RandomText(random.Next(0, 40))),
                1 => new Join(null, RandomText(random.Next(0, 40))),
                2 => new Join(null),
                3 => new Join("arena", roomId),
                4 => new Join(new string('a', random.Next(33, 3000))),
                5 => new Join(null, "nosuchgame:" + random.Next()),
                6 => new Join(null, "arena:../../" + random.Next()),
                7 => new Join("arena\0"),
                8 => new Join("ärena"),
                9 => new Join(null, roomId + new string('x', random.Next(1, 2000))),
                10 => new Join(null, "arena:fuzz" + random.Next(4)), // a valid id: a room of its own
                _ => new Join("nosuchgame"),
            };
            return MessageCodec.Encode(join);
        }

        private byte[] Ping() => random.Next(3) switch
        {
            0 => MessageCodec.Encode(new Ping(random.NextDouble() * 1e12)),
            1 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Ping); w.WriteArrayHeader(1); w.Write(-5); }),
            _ => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Ping); w.WriteArrayHeader(1); w.Write(float.NaN); }),
        };

        private byte[] RandomBytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        private byte[] Truncated()
        {
            var whole = random.Next(3) switch
            {
                0 => ArenaInputFrame(),
                1 => MessageCodec.Encode(new Join(null, roomId)),
                _ => MessageCodec.Encode(new Ping(1234.5)),
            };
            return whole[..random.Next(0, whole.Length)];
        }

        private byte[] Oversized()
        {
            // Either a valid-looking Input whose payload pushes it over the limit, or plain noise.
            var length = random.Next(4097, 40_000);
            if (random.Next(2) == 0)
            {
                return RandomBytes(length);
            }
            var text = new string('z', length);
            return InputFrame(++_seq, 0, (ref MessagePackWriter w) => w.Write(text));
        }

        private byte[] WrongTypes()
        {
            var payload = new ArenaInput(0, 0).ToPayload();
            return random.Next(16) switch
            {
                0 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteMapHeader(0); }),
                1 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(3); w.Write(-1); w.Write(0); w.WriteRaw(payload); }),
                2 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(3); w.Write("1"); w.Write(0); w.WriteRaw(payload); }),
                3 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(3); w.Write(1.0); w.Write(0); w.WriteRaw(payload); }),
                4 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(3); w.Write(1); w.Write("tick"); w.WriteRaw(payload); }),
                5 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(2); w.Write(1); w.Write(0); }),
                6 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Ping); w.WriteArrayHeader(1); w.Write("now"); }),
                7 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Join); w.WriteArrayHeader(2); w.Write(5); w.WriteNil(); }),
                8 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Join); w.Write("arena"); }),
                9 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteNil(); }),
                10 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(MessageType.Ping); w.WriteArrayHeader(1); w.Write(1.0); w.Write(1); }),
                11 => [0xdc, 0x00, 0x02, 0x03, 0x91, 0x01], // array16 outer header
                12 => [0x92, 0xd0, 0x03, 0x91, 0x01], // type as int8
                13 => [0x92, 0xa1, 0x33, 0x91, 0x01], // type as a string
                14 => [.. MessageCodec.Encode(new Ping(1)), 0xc0], // trailing bytes
                _ => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(MessageType.Input); w.WriteArrayHeader(3); w.Write(1UL << 40); w.Write(0); w.WriteRaw(payload); }),
            };
        }

        private byte[] TooDeepOrHuge()
        {
            var depth = random.Next(EmbeddedDepthLimit + 2, 1000); // within the size limit, even as maps
            return random.Next(4) switch
            {
                0 => InputFrame(++_seq, 0, (ref MessagePackWriter w) => { for (var i = 0; i < depth; i++) { w.WriteArrayHeader(1); } w.WriteNil(); }),
                1 => InputFrame(++_seq, 0, (ref MessagePackWriter w) => { for (var i = 0; i < depth; i++) { w.WriteMapHeader(1); w.Write(i % 100); } w.WriteNil(); }),
                // Headers that claim far more elements than the frame holds.
                2 => InputFrame(++_seq, 0, (ref MessagePackWriter w) => { w.WriteArrayHeader(uint.MaxValue); w.Write(1); }),
                _ => InputFrame(++_seq, 0, (ref MessagePackWriter w) => { w.WriteMapHeader(int.MaxValue); w.Write(1); }),
            };
        }

        private byte[] UnknownType()
        {
            // Not 8: KeyframeRequest is a message of gameserver.v2, which these connections speak ([8, []] is valid there).
            int[] codes = [0, 9, 16, MessageType.Welcome, MessageType.Snapshot, MessageType.Pong, MessageType.Error, MessageType.Left, 99, 127];
            var code = codes[random.Next(codes.Length)];
            return random.Next(3) switch
            {
                0 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(code); w.WriteArrayHeader(0); }),
                1 => Pack((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(code); w.WriteArrayHeader(2); w.Write(13); w.Write("spoofed"); }),
                _ => [0x92, 0xcc, (byte)random.Next(128, 256), 0x90], // uint8 form of a type code nobody uses
            };
        }

        private string TextFrame() => random.Next(3) switch
        {
            0 => "{\"join\":\"arena\"}",
            1 => RandomText(random.Next(0, 200)),
            _ => "[2,[1,0,[1,0]]]",
        };

        private string RandomText(int length)
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_ ./\\%\u00e4\u4e16\ud83d\ude00";
            var builder = new StringBuilder(length);
            for (var i = 0; i < length; i++)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }
            return builder.ToString();
        }
    }
}

/// <summary>
/// Tests that read their host's counters or measure rates run one at a time, after the parallel collections: every
/// host in the test process exports every host's GameServer meters on its /metrics (OpenTelemetry subscribes to
/// meters by name, whichever host's meter factory made them), so a host running alongside would show up in the
/// counters, and a host stopping alongside would take the merged series off this host's /metrics; and the two cores
/// are then not shared with other hosts while rates are measured.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection : ICollectionFixture<RunnerThreadPoolCompensation>
{
    public const string Name = "timing-sensitive";
}

/// <summary>
/// The test runner parks two thread-pool threads for the whole run (vstest's message loop blocks in
/// <c>Socket.Poll</c>, xunit's <c>VsTestRunner.RunTestsInAssembly</c> in <c>WaitHandle.WaitOne</c>; both seen in a
/// dump). On a two-core machine that is the pool's whole minimum, and hill climbing can settle on a thread count that
/// leaves no thread for the in-process server until starvation detection adds one: every timer and socket
/// continuation, room ticks included, then stalls for 0.5–1 s. Raising the minimum by those two threads makes the
/// measurements see the server rather than the runner. (A server process has no such parked threads.)
/// </summary>
public sealed class RunnerThreadPoolCompensation
{
    public RunnerThreadPoolCompensation()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount + 2), completionPorts);
    }
}

using System;
using System.Buffers;
using GameServer.UnityClient;
using MessagePack;
using Xunit;
using P = GameServer.Protocol;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The hand-written decoder against frames the server's own encoder produces (GameServer.Protocol's MessageCodec)
    /// and against docs/protocol.md's snapshot dump, including §3 and §11's leniency.
    /// </summary>
    public sealed class ServerMessageReaderTests
    {
        [Fact]
        public void Welcome_FromTheServersEncoder_DecodesEveryField()
        {
            var frame = P.MessageCodec.Encode(new P.Welcome("p-7", "arena:5f2c0a", "arena", 3, 20, 1, 1200, "q9Xc2LmA0sTt7VvB1nYwZg", 8, true, 30));

            var welcome = Assert.IsType<WelcomeMessage>(ServerMessageReader.Read(frame, decodeArena: false));

            Assert.Equal("p-7", welcome.PlayerId);
            Assert.Equal("arena:5f2c0a", welcome.RoomId);
            Assert.Equal("arena", welcome.RoomType);
            Assert.Equal(3, welcome.EntityId);
            Assert.Equal(20, welcome.TickRateHz);
            Assert.Equal(1, welcome.SnapshotEveryTicks);
            Assert.Equal(1200, welcome.CurrentTick);
            Assert.Equal("q9Xc2LmA0sTt7VvB1nYwZg", welcome.ResumeToken);
            Assert.Equal(8, welcome.MaxPlayers);
            Assert.True(welcome.Resumed);
            Assert.Equal(30, welcome.ReconnectGraceSeconds);
        }

        [Fact]
        public void Welcome_FromAServerOlderThanResume_MeansNotResumedAndNoGraceWindow()
        {
            // [10, [playerId, roomId, roomType, entityId, tickRateHz, snapshotEveryTicks, currentTick, resumeToken, maxPlayers]]
            var frame = Write((ref MessagePackWriter w) =>
            {
                w.WriteArrayHeader(2);
                w.Write(10);
                w.WriteArrayHeader(9);
                w.Write("p-7");
                w.Write("arena:1");
                w.Write("arena");
                w.Write(3);
                w.Write(20);
                w.Write(1);
                w.Write(5L);
                w.Write("t");
                w.Write(8);
            });

            var welcome = Assert.IsType<WelcomeMessage>(ServerMessageReader.Read(frame, decodeArena: false));

            Assert.False(welcome.Resumed);
            Assert.Equal(0, welcome.ReconnectGraceSeconds);
        }

        [Fact]
        public void Snapshot_TheDocumentedExample_DecodesAcksAndArenaEntitiesInUnits()
        {
            var frame = Hex.Parse(
                "92 0b 94 cd 04 d2 cd f1 04 94 01 cd 04 ce 02 cd 04 cd 92 96 01 cd 14 03 cd 03 6c cc 8d d1 ff 73 64 " +
                "96 02 00 cd 27 10 d1 ff 38 00 64");

            var snapshot = Assert.IsType<SnapshotMessage>(ServerMessageReader.Read(frame, decodeArena: true));

            Assert.Equal(1234, snapshot.Tick);
            Assert.Equal(61700u, snapshot.ServerTimeMs);
            Assert.Equal(1230u, snapshot.AckFor(1));
            Assert.Equal(1229u, snapshot.AckFor(2));
            Assert.Equal(0u, snapshot.AckFor(3));
            Assert.Equal(2, snapshot.Entities.Count);
            Assert.True(snapshot.TryGetEntity(1, out var first));
            Assert.Equal(512.3f, first.X, 3);
            Assert.Equal(87.6f, first.Y, 3);
            Assert.Equal(141f, first.Vx);
            Assert.Equal(-141f, first.Vy);
            Assert.Equal(100, first.Hp);
            Assert.True(snapshot.TryGetEntity(2, out var second));
            Assert.Equal(1000f, second.Y);
            Assert.Equal(-200f, second.Vx);
        }

        [Fact]
        public void Snapshot_AsTheRoomRuntimeWritesIt_RoundTripsTheGameStateBytes()
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            P.SnapshotFormatter.WriteFrameHeader(ref writer, tick: 70000, serverTimeMs: 3500000, acks: new uint[] { 9, 100000 });
            writer.WriteArrayHeader(1);
            P.Arena.ArenaState.WriteEntity(ref writer, new P.Arena.ArenaEntity(9, 999.9f, 0.1f, 200f, -200f, 100));
            writer.Flush();
            var frame = buffer.WrittenSpan.ToArray();
            var expected = (P.Snapshot)P.MessageCodec.DecodeServer(frame);

            var snapshot = Assert.IsType<SnapshotMessage>(ServerMessageReader.Read(frame, decodeArena: true));

            Assert.Equal(70000, snapshot.Tick);
            Assert.Equal(100000u, snapshot.AckFor(9));
            Assert.Equal(expected.GameState.ToArray(), snapshot.GameState.ToArray());
            var entity = Assert.Single(snapshot.Entities);
            Assert.Equal(999.9f, entity.X, 3);
            Assert.Equal(0.1f, entity.Y, 3);
        }

        [Fact]
        public void Snapshot_WithExtraTrailingFields_InTheBodyAndInAnEntity_IsReadAndTheExtrasIgnored()
        {
            var frame = Write((ref MessagePackWriter w) =>
            {
                w.WriteArrayHeader(2);
                w.Write(11);
                w.WriteArrayHeader(5);
                w.Write(5L);
                w.Write(250u);
                w.WriteArrayHeader(2);
                w.Write(1);
                w.Write(4u);
                w.WriteArrayHeader(2);
                w.WriteArrayHeader(7); // entity with a field a later version appended
                w.Write(1);
                w.Write(100);
                w.Write(200);
                w.Write(0);
                w.Write(0);
                w.Write(100);
                w.Write("future");
                w.WriteArrayHeader(6);
                w.Write(2);
                w.Write(300);
                w.Write(400);
                w.Write(0);
                w.Write(0);
                w.Write(90);
                w.Write("future body field");
            });

            var snapshot = Assert.IsType<SnapshotMessage>(ServerMessageReader.Read(frame, decodeArena: true));

            Assert.Equal(2, snapshot.Entities.Count);
            Assert.Equal(10f, snapshot.Entities[0].X);
            Assert.Equal(40f, snapshot.Entities[1].Y);
            Assert.Equal(90, snapshot.Entities[1].Hp);
        }

        [Fact]
        public void Snapshot_WithANilGameState_HasNoEntities()
        {
            var frame = P.MessageCodec.Encode(new P.Snapshot(3, 150, new uint[] { 1, 2 }, new byte[] { 0xc0 }));

            var snapshot = Assert.IsType<SnapshotMessage>(ServerMessageReader.Read(frame, decodeArena: true));

            Assert.Empty(snapshot.Entities);
            Assert.Equal(2u, snapshot.AckFor(1));
        }

        [Fact]
        public void PongErrorLeftAndSettingsChanged_FromTheServersEncoder_Decode()
        {
            var pong = Assert.IsType<PongMessage>(ServerMessageReader.Read(P.MessageCodec.Encode(new P.Pong(1234.5, 1767225600123)), false));
            var error = Assert.IsType<ErrorMessage>(ServerMessageReader.Read(P.MessageCodec.Encode(new P.Error(P.ErrorCode.ResumeExpired, "gone")), false));
            var left = Assert.IsType<LeftMessage>(ServerMessageReader.Read(P.MessageCodec.Encode(new P.Left("arena:1", "room-closed")), false));
            var changed = Assert.IsType<SettingsChangedMessage>(ServerMessageReader.Read(P.MessageCodec.Encode(new P.SettingsChanged(1234, 30, 2, 6)), false));

            Assert.Equal(1234.5, pong.ClientTimeMs);
            Assert.Equal(1767225600123, pong.ServerTimeMs);
            Assert.Equal(ErrorCodes.ResumeExpired, error.Code);
            Assert.Equal("gone", error.Message);
            Assert.Equal("room-closed", left.Reason);
            Assert.Equal(1234, changed.Tick);
            Assert.Equal(30, changed.TickRateHz);
            Assert.Equal(2, changed.SnapshotEveryTicks);
            Assert.Equal(6, changed.MaxPlayers);
        }

        [Fact]
        public void AnUnknownMessageType_DecodesToNull_SoTheClientSkipsIt()
        {
            Assert.Null(ServerMessageReader.Read(Hex.Parse("92 13 91 01"), decodeArena: true)); // [19, [1]]
        }

        [Fact]
        public void TheClientsMessageTypesErrorCodesAndCloseCodes_MatchTheServers()
        {
            Assert.Equal(P.ProtocolVersion.SubProtocol, GameServerConnection.SubProtocol);
            Assert.Equal(P.MessageType.Welcome, MessageTypes.Welcome);
            Assert.Equal(P.MessageType.Resume, MessageTypes.Resume);
            Assert.Equal(P.MessageType.SettingsChanged, MessageTypes.SettingsChanged);
            Assert.Equal(P.ErrorCode.ResumeExpired, ErrorCodes.ResumeExpired);
            Assert.Equal(P.ErrorCode.ResumeRejected, ErrorCodes.ResumeRejected);
            Assert.Equal(P.CloseCode.Draining, CloseCodes.Draining);
            Assert.Equal(P.CloseCode.SessionTakenOver, CloseCodes.SessionTakenOver);
        }

        private delegate void WriteAction(ref MessagePackWriter writer);

        private static byte[] Write(WriteAction write)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            write(ref writer);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
    }
}

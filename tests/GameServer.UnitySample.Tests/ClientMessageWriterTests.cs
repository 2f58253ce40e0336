using GameServer.UnityClient;
using Xunit;
using P = GameServer.Protocol;

namespace GameServer.UnitySample.Tests
{
    /// <summary>
    /// The hand-written encoder against docs/protocol.md's hex dumps (byte for byte) and against the server's own
    /// decoder (GameServer.Protocol's MessageCodec.DecodeClient, which enforces §3's rules).
    /// </summary>
    public sealed class ClientMessageWriterTests
    {
        [Fact]
        public void Join_ByRoomType_MatchesTheDocumentedBytes()
        {
            var frame = ClientMessageWriter.Join("arena");

            Assert.Equal("92 01 92 a5 61 72 65 6e 61 c0", Hex.Of(frame));
            var join = Assert.IsType<P.Join>(P.MessageCodec.DecodeClient(frame));
            Assert.Equal("arena", join.RoomType);
            Assert.Null(join.RoomId);
        }

        [Fact]
        public void JoinRoom_ById_MatchesTheDocumentedBytes()
        {
            var frame = ClientMessageWriter.JoinRoom("arena:5f2c0a");

            Assert.Equal("92 01 92 c0 ac 61 72 65 6e 61 3a 35 66 32 63 30 61", Hex.Of(frame));
        }

        [Fact]
        public void ArenaInput_MatchesTheDocumentedBytes_AndTheServerReadsTheSameDirection()
        {
            var frame = ClientMessageWriter.ArenaInput(42, 1234, 0.5f, -1f);

            Assert.Equal("92 02 93 2a cd 04 d2 92 ca 3f 00 00 00 ca bf 80 00 00", Hex.Of(frame));
            var input = Assert.IsType<P.Input>(P.MessageCodec.DecodeClient(frame));
            Assert.Equal(42u, input.Seq);
            Assert.Equal(1234, input.ClientTick);
            var reader = new MessagePack.MessagePackReader(input.Payload);
            var direction = P.Arena.ArenaInput.Read(ref reader);
            Assert.Equal(0.5f, direction.Dx);
            Assert.Equal(-1f, direction.Dy);
        }

        [Theory]
        [InlineData(1u, 0L)]
        [InlineData(300u, 70000L)]
        [InlineData(uint.MaxValue, long.MaxValue)]
        public void ArenaInput_WithAnySequenceAndTick_IsAcceptedByTheServer(uint seq, long clientTick)
        {
            var input = Assert.IsType<P.Input>(P.MessageCodec.DecodeClient(ClientMessageWriter.ArenaInput(seq, clientTick, 1f, 0f)));

            Assert.Equal(seq, input.Seq);
            Assert.Equal(clientTick, input.ClientTick);
        }

        [Fact]
        public void Input_WithARawPayload_EmbedsItAsIs()
        {
            var payload = new byte[] { 0x92, 0x01, 0xff }; // [1, -1]

            var frame = ClientMessageWriter.Input(7, 99, payload);

            Assert.Equal("92 02 93 07 63 92 01 ff", Hex.Of(frame));
            var input = Assert.IsType<P.Input>(P.MessageCodec.DecodeClient(frame));
            Assert.Equal(payload, input.Payload.ToArray());
        }

        [Fact]
        public void Ping_MatchesTheDocumentedBytes()
        {
            Assert.Equal("92 03 91 cb 40 93 4a 00 00 00 00 00", Hex.Of(ClientMessageWriter.Ping(1234.5)));
        }

        [Fact]
        public void Leave_MatchesTheDocumentedBytes()
        {
            Assert.Equal("92 04 90", Hex.Of(ClientMessageWriter.Leave()));
            Assert.IsType<P.Leave>(P.MessageCodec.DecodeClient(ClientMessageWriter.Leave()));
        }

        [Fact]
        public void Resume_MatchesTheDocumentedBytes()
        {
            var frame = ClientMessageWriter.Resume("arena:5f2c0a", "q9Xc2LmA0sTt7VvB1nYwZg");

            Assert.Equal(
                "92 05 92 ac 61 72 65 6e 61 3a 35 66 32 63 30 61 b6 71 39 58 63 32 4c 6d 41 30 73 54 74 37 56 76 42 31 6e 59 77 5a 67",
                Hex.Of(frame));
            var resume = Assert.IsType<P.Resume>(P.MessageCodec.DecodeClient(frame));
            Assert.Equal("q9Xc2LmA0sTt7VvB1nYwZg", resume.ResumeToken);
        }
    }
}

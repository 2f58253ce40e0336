#nullable enable
using System;
using MessagePack;

namespace GameServer.UnityClient
{
    /// <summary>
    /// Encodes the messages a client sends (docs/protocol.md §5.1–5.4a) with MessagePack-CSharp's low-level writer: each
    /// is a fixarray <c>[type, body]</c> whose body is an array, never a map. <c>MessagePackWriter</c> writes integers in
    /// their smallest form, which is what the server requires of the <c>type</c> slot.
    /// </summary>
    public static class ClientMessageWriter
    {
        /// <summary><c>[1, [roomType, nil]]</c>: matchmake into a room of this type (join-or-create).</summary>
        public static byte[] Join(string roomType) => JoinCore(roomType, null);

        /// <summary><c>[1, [nil, roomId]]</c>: enter a specific room (only where the server allows joining by id).</summary>
        public static byte[] JoinRoom(string roomId) => JoinCore(null, roomId);

        /// <summary><c>[2, [seq, clientTick, [dx, dy]]]</c>: the arena's input, a direction with each axis in [-1, 1], as float32.</summary>
        public static byte[] ArenaInput(uint seq, long clientTick, float dx, float dy)
        {
            var buffer = new ByteBufferWriter(32);
            var writer = new MessagePackWriter(buffer);
            WriteInputHeader(ref writer, seq, clientTick);
            writer.WriteArrayHeader(2);
            writer.Write(dx);
            writer.Write(dy);
            writer.Flush();
            return buffer.ToArray();
        }

        /// <summary>
        /// <c>[2, [seq, clientTick, payload]]</c> for any game: <paramref name="payload"/> is one MessagePack value,
        /// embedded as-is (not as <c>bin</c>).
        /// </summary>
        public static byte[] Input(uint seq, long clientTick, ReadOnlySpan<byte> payload)
        {
            if (payload.IsEmpty)
            {
                throw new ArgumentException("The input payload must be one MessagePack value (at least one byte).", nameof(payload));
            }
            var buffer = new ByteBufferWriter(16 + payload.Length);
            var writer = new MessagePackWriter(buffer);
            WriteInputHeader(ref writer, seq, clientTick);
            writer.WriteRaw(payload);
            writer.Flush();
            return buffer.ToArray();
        }

        /// <summary><c>[3, [clientTimeMs]]</c> as float64; the server echoes it in Pong.</summary>
        public static byte[] Ping(double clientTimeMs)
        {
            var buffer = new ByteBufferWriter(16);
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(2);
            writer.Write(MessageTypes.Ping);
            writer.WriteArrayHeader(1);
            writer.Write(clientTimeMs);
            writer.Flush();
            return buffer.ToArray();
        }

        /// <summary><c>[4, []]</c>.</summary>
        public static byte[] Leave()
        {
            var buffer = new ByteBufferWriter(16);
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(2);
            writer.Write(MessageTypes.Leave);
            writer.WriteArrayHeader(0);
            writer.Flush();
            return buffer.ToArray();
        }

        /// <summary><c>[5, [roomId, resumeToken]]</c>: take the seat back on a new connection after a drop.</summary>
        public static byte[] Resume(string roomId, string resumeToken)
        {
            if (roomId == null)
            {
                throw new ArgumentNullException(nameof(roomId));
            }
            if (resumeToken == null)
            {
                throw new ArgumentNullException(nameof(resumeToken));
            }
            var buffer = new ByteBufferWriter(64 + roomId.Length + resumeToken.Length);
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(2);
            writer.Write(MessageTypes.Resume);
            writer.WriteArrayHeader(2);
            writer.Write(roomId);
            writer.Write(resumeToken);
            writer.Flush();
            return buffer.ToArray();
        }

        private static byte[] JoinCore(string? roomType, string? roomId)
        {
            var buffer = new ByteBufferWriter(48);
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(2);
            writer.Write(MessageTypes.Join);
            writer.WriteArrayHeader(2);
            WriteStringOrNil(ref writer, roomType);
            WriteStringOrNil(ref writer, roomId);
            writer.Flush();
            return buffer.ToArray();
        }

        private static void WriteInputHeader(ref MessagePackWriter writer, uint seq, long clientTick)
        {
            writer.WriteArrayHeader(2);
            writer.Write(MessageTypes.Input);
            writer.WriteArrayHeader(3);
            writer.Write(seq);
            writer.Write(clientTick);
        }

        private static void WriteStringOrNil(ref MessagePackWriter writer, string? value)
        {
            if (value == null)
            {
                writer.WriteNil();
            }
            else
            {
                writer.Write(value);
            }
        }
    }
}

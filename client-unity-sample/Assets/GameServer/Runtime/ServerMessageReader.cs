#nullable enable
using System;
using MessagePack;

namespace GameServer.UnityClient
{
    /// <summary>
    /// Decodes what the server sends (docs/protocol.md §5.5–5.10) with MessagePack-CSharp's low-level reader, leniently
    /// as §3 and §11 ask: any integer width, missing trailing fields take their defaults, extra trailing fields are
    /// ignored, and an unknown message type decodes to null (skip it).
    /// </summary>
    public static class ServerMessageReader
    {
        /// <summary>
        /// Decodes one whole WebSocket message. <paramref name="frame"/> must stay unchanged while the result is in use
        /// (a snapshot's <see cref="SnapshotMessage.GameState"/> points into it).
        /// </summary>
        /// <param name="decodeArena">Decode a snapshot's state as the arena's entities (<see cref="ArenaState"/>).</param>
        /// <returns>The message, or null for a type this client does not know.</returns>
        /// <exception cref="Exception">The frame is not a well-formed message (MessagePack-CSharp's own exception types, or <see cref="FormatException"/>).</exception>
        public static ServerMessage? Read(ReadOnlyMemory<byte> frame, bool decodeArena)
        {
            var reader = new MessagePackReader(frame);
            var outer = reader.ReadArrayHeader();
            if (outer < 2)
            {
                throw new FormatException("A message is [type, body]; this array has " + outer + " elements.");
            }
            var type = reader.ReadInt32();
            switch (type)
            {
                case MessageTypes.Welcome:
                    return ReadWelcome(ref reader);
                case MessageTypes.Snapshot:
                    return ReadSnapshot(ref reader, frame, decodeArena);
                case MessageTypes.Pong:
                    return ReadPong(ref reader);
                case MessageTypes.Error:
                    return ReadError(ref reader);
                case MessageTypes.Left:
                    return ReadLeft(ref reader);
                case MessageTypes.SettingsChanged:
                    return ReadSettingsChanged(ref reader);
                default:
                    return null;
            }
        }

        /// <summary>The <c>type</c> of a message without decoding the rest, or -1 if the frame is not <c>[type, …]</c>.</summary>
        public static int PeekType(ReadOnlyMemory<byte> frame)
        {
            try
            {
                var reader = new MessagePackReader(frame);
                return reader.ReadArrayHeader() >= 2 ? reader.ReadInt32() : -1;
            }
            catch (Exception ex) when (ex is MessagePackSerializationException || ex is System.IO.EndOfStreamException || ex is OverflowException)
            {
                return -1;
            }
        }

        private static WelcomeMessage ReadWelcome(ref MessagePackReader reader)
        {
            var n = reader.ReadArrayHeader();
            var playerId = n > 0 ? reader.ReadString() : null;
            var roomId = n > 1 ? reader.ReadString() : null;
            var roomType = n > 2 ? reader.ReadString() : null;
            var entityId = n > 3 ? reader.ReadInt32() : 0;
            var tickRateHz = n > 4 ? reader.ReadInt32() : 20;
            var snapshotEveryTicks = n > 5 ? reader.ReadInt32() : 1;
            var currentTick = n > 6 ? reader.ReadInt64() : 0;
            var resumeToken = n > 7 ? reader.ReadString() : null;
            var maxPlayers = n > 8 ? reader.ReadInt32() : 0;
            // [9] and [10] are absent on servers older than Resume: not resumed, no grace window.
            var resumed = n > 9 && reader.ReadBoolean();
            var graceSeconds = n > 10 ? reader.ReadInt32() : 0;
            if (roomId == null || roomType == null || entityId <= 0)
            {
                throw new FormatException("Welcome lacks its roomId, roomType or entityId.");
            }
            return new WelcomeMessage(
                playerId ?? "", roomId, roomType, entityId, Math.Max(1, tickRateHz), Math.Max(1, snapshotEveryTicks), currentTick,
                resumeToken ?? "", maxPlayers, resumed, graceSeconds);
        }

        private static SnapshotMessage ReadSnapshot(ref MessagePackReader reader, ReadOnlyMemory<byte> frame, bool decodeArena)
        {
            var n = reader.ReadArrayHeader();
            if (n < 4)
            {
                throw new FormatException("Snapshot is [tick, serverTimeMs, acks, gameState]; this one has " + n + " fields.");
            }
            var tick = reader.ReadInt64();
            var serverTimeMs = reader.ReadUInt32();
            var ackCount = reader.ReadArrayHeader();
            var acks = new uint[ackCount];
            for (var i = 0; i < ackCount; i++)
            {
                acks[i] = reader.ReadUInt32();
            }
            // The game state is one MessagePack value embedded as-is: note where it starts and ends, then decode it apart.
            var start = (int)reader.Consumed;
            reader.Skip();
            var gameState = frame.Slice(start, (int)reader.Consumed - start);
            var entities = decodeArena ? ArenaState.Read(gameState) : null;
            return new SnapshotMessage(tick, serverTimeMs, acks, gameState, entities);
        }

        private static PongMessage ReadPong(ref MessagePackReader reader)
        {
            var n = reader.ReadArrayHeader();
            var clientTimeMs = n > 0 ? reader.ReadDouble() : 0;
            var serverTimeMs = n > 1 ? reader.ReadInt64() : 0;
            return new PongMessage(clientTimeMs, serverTimeMs);
        }

        private static ErrorMessage ReadError(ref MessagePackReader reader)
        {
            var n = reader.ReadArrayHeader();
            var code = n > 0 ? reader.ReadInt32() : 0;
            var message = n > 1 ? reader.ReadString() : null;
            return new ErrorMessage(code, message ?? "");
        }

        private static LeftMessage ReadLeft(ref MessagePackReader reader)
        {
            var n = reader.ReadArrayHeader();
            var roomId = n > 0 ? reader.ReadString() : null;
            var reason = n > 1 ? reader.ReadString() : null;
            return new LeftMessage(roomId ?? "", reason ?? "left");
        }

        private static SettingsChangedMessage ReadSettingsChanged(ref MessagePackReader reader)
        {
            var n = reader.ReadArrayHeader();
            if (n < 4)
            {
                throw new FormatException("SettingsChanged is [tick, tickRateHz, snapshotEveryTicks, maxPlayers]; this one has " + n + " fields.");
            }
            var tick = reader.ReadInt64();
            var tickRateHz = reader.ReadInt32();
            var snapshotEveryTicks = reader.ReadInt32();
            var maxPlayers = reader.ReadInt32();
            return new SettingsChangedMessage(tick, Math.Max(1, tickRateHz), Math.Max(1, snapshotEveryTicks), maxPlayers);
        }
    }
}

using System.Buffers;
using MessagePack;

namespace GameServer.Protocol;

/// <summary>
/// Server message bodies, field by field with <see cref="MessagePackReader"/> and <see cref="MessagePackWriter"/>:
/// no resolver, no reflection, no runtime code generation. Reading mirrors what MessagePack's generated formatters did
/// before, so old and new peers agree: missing trailing fields take their default (a nine-field welcome from a server
/// before resume reads as <c>Resumed = false, ReconnectGraceSeconds = 0</c>), extra ones are skipped, a string may be nil.
/// </summary>
internal static class ServerMessageFormat
{
    /// <summary>Writes the whole frame <c>[type, body]</c>.</summary>
    public static void Write(ref MessagePackWriter writer, ServerMessage message)
    {
        switch (message)
        {
            case Snapshot snapshot:
                writer.WriteArrayHeader(2);
                writer.Write(MessageType.Snapshot);
                SnapshotFormatter.WriteBodyHeader(ref writer, snapshot.Tick, snapshot.ServerTimeMs, snapshot.Acks.Span);
                EmbeddedValue.Write(ref writer, snapshot.GameState.Span);
                break;
            case Delta delta:
                DeltaFormatter.Write(ref writer, delta);
                break;
            case Welcome welcome:
                // Eleven fields for a public room of a type without properties: byte for byte the welcome of before rooms had them.
                var fields = welcome.Role is not null || welcome.View != 0 ? 15 : welcome.Properties is not null ? 13 : welcome.RoomCode is not null ? 12 : 11;
                FrameFormat.WriteHeader(ref writer, MessageType.Welcome, fields);
                writer.Write(welcome.PlayerId);
                writer.Write(welcome.RoomId);
                writer.Write(welcome.RoomType);
                writer.Write(welcome.EntityId);
                writer.Write(welcome.TickRateHz);
                writer.Write(welcome.SnapshotEveryTicks);
                writer.Write(welcome.CurrentTick);
                writer.Write(welcome.ResumeToken);
                writer.Write(welcome.MaxPlayers);
                writer.Write(welcome.Resumed);
                writer.Write(welcome.ReconnectGraceSeconds);
                if (fields > 11)
                {
                    writer.Write(welcome.RoomCode);
                }
                if (fields > 12)
                {
                    FrameFormat.WriteStringMap(ref writer, welcome.Properties);
                }
                if (fields > 13)
                {
                    writer.Write(welcome.Role);
                    writer.Write(welcome.View);
                }
                break;
            case Pong pong:
                FrameFormat.WriteHeader(ref writer, MessageType.Pong, 2);
                writer.Write(pong.ClientTimeMs);
                writer.Write(pong.ServerTimeMs);
                break;
            case Error error:
                FrameFormat.WriteHeader(ref writer, MessageType.Error, 2);
                writer.Write(error.Code);
                writer.Write(error.Message);
                break;
            case Left left:
                FrameFormat.WriteHeader(ref writer, MessageType.Left, left.Message is null ? 2 : 3);
                writer.Write(left.RoomId);
                writer.Write(left.Reason);
                if (left.Message is not null)
                {
                    writer.Write(left.Message);
                }
                break;
            case Events events:
                FrameFormat.WriteHeader(ref writer, MessageType.Events, 2);
                writer.Write(events.Tick);
                writer.WriteArrayHeader(events.Items.Count);
                foreach (var item in events.Items)
                {
                    writer.WriteArrayHeader(3);
                    writer.Write(item.Seq);
                    writer.Write(item.Tick);
                    EmbeddedValue.Write(ref writer, item.Payload.Span);
                }
                break;
            case SettingsChanged settings:
                FrameFormat.WriteHeader(ref writer, MessageType.SettingsChanged, 4);
                writer.Write(settings.Tick);
                writer.Write(settings.TickRateHz);
                writer.Write(settings.SnapshotEveryTicks);
                writer.Write(settings.MaxPlayers);
                break;
            default:
                throw new ArgumentException($"{message.GetType().FullName} is not a server message this protocol version can send.", nameof(message));
        }
    }

    /// <summary>Reads the body of a message of a known server <paramref name="type"/>; null when the body is nil.</summary>
    public static ServerMessage? ReadBody(ref MessagePackReader reader, int type)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadArrayHeader();
        // Strings sent as nil (or missing) read as null, as before the rewrite, though the records declare them non-null.
        ServerMessage message;
        int known;
        switch (type)
        {
            case MessageType.Snapshot:
                return SnapshotFormatter.ReadBody(ref reader, count);
            case MessageType.Delta:
                return DeltaFormatter.ReadBody(ref reader, count);
            case MessageType.Welcome:
                var playerId = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var roomId = count > 1 ? FrameFormat.ReadString(ref reader) : null;
                var roomType = count > 2 ? FrameFormat.ReadString(ref reader) : null;
                var entityId = count > 3 ? reader.ReadInt32() : 0;
                var tickRateHz = count > 4 ? reader.ReadInt32() : 0;
                var snapshotEveryTicks = count > 5 ? reader.ReadInt32() : 0;
                var currentTick = count > 6 ? reader.ReadInt64() : 0;
                var resumeToken = count > 7 ? FrameFormat.ReadString(ref reader) : null;
                var maxPlayers = count > 8 ? reader.ReadInt32() : 0;
                var resumed = count > 9 && reader.ReadBoolean();
                var graceSeconds = count > 10 ? reader.ReadInt32() : 0;
                var roomCode = count > 11 ? FrameFormat.ReadString(ref reader) : null;
                var roomProperties = count > 12 ? FrameFormat.ReadStringMap(ref reader) : null;
                var role = count > 13 ? FrameFormat.ReadString(ref reader) : null;
                var view = count > 14 ? reader.ReadInt32() : 0;
                message = new Welcome(
                    playerId!, roomId!, roomType!, entityId, tickRateHz, snapshotEveryTicks, currentTick, resumeToken!, maxPlayers, resumed, graceSeconds,
                    roomCode, roomProperties, role, view);
                known = 15;
                break;
            case MessageType.Pong:
                var clientTimeMs = count > 0 ? reader.ReadDouble() : 0;
                var serverTimeMs = count > 1 ? reader.ReadInt64() : 0;
                message = new Pong(clientTimeMs, serverTimeMs);
                known = 2;
                break;
            case MessageType.Error:
                var code = count > 0 ? reader.ReadInt32() : 0;
                var text = count > 1 ? FrameFormat.ReadString(ref reader) : null;
                message = new Error(code, text!);
                known = 2;
                break;
            case MessageType.Left:
                var leftRoom = count > 0 ? FrameFormat.ReadString(ref reader) : null;
                var reason = count > 1 ? FrameFormat.ReadString(ref reader) : null;
                var leftMessage = count > 2 ? FrameFormat.ReadString(ref reader) : null;
                message = new Left(leftRoom!, reason!, leftMessage);
                known = 3;
                break;
            case MessageType.Events:
                message = ReadEvents(ref reader, count);
                known = 2;
                break;
            case MessageType.SettingsChanged:
                var tick = count > 0 ? reader.ReadInt64() : 0;
                var rate = count > 1 ? reader.ReadInt32() : 0;
                var every = count > 2 ? reader.ReadInt32() : 0;
                var capacity = count > 3 ? reader.ReadInt32() : 0;
                message = new SettingsChanged(tick, rate, every, capacity);
                known = 4;
                break;
            default:
                throw new InvalidOperationException($"{type} is not a server message type; MessageCodec checks the type first.");
        }
        FrameFormat.SkipExtraFields(ref reader, count, known);
        return message;
    }

    private static Events ReadEvents(ref MessagePackReader reader, int count)
    {
        var snapshotTick = count > 0 ? reader.ReadInt64() : 0;
        var items = new List<GameEvent>();
        if (count > 1 && !reader.TryReadNil())
        {
            var n = reader.ReadArrayHeader();
            for (var i = 0; i < n; i++)
            {
                var fields = reader.ReadArrayHeader();
                if (fields < 3)
                {
                    throw new MessagePackSerializationException($"An event needs 3 fields [seq, tick, payload], got {fields}.");
                }
                var seq = reader.ReadInt64();
                var tick = reader.ReadInt64();
                var payload = EmbeddedValue.ReadChecked(ref reader).ToArray();
                FrameFormat.SkipExtraFields(ref reader, fields, 3);
                items.Add(new GameEvent(seq, tick, payload));
            }
        }
        return new Events(snapshotTick, items);
    }
}

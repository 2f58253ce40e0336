using MessagePack;

// The message records exactly as they were before the rewrite (see README.md); one frozen unit, so one file.
namespace GameServer.Protocol.Tests.PreRewrite;

[Union(MessageType.Join, typeof(Join))]
[Union(MessageType.Input, typeof(Input))]
[Union(MessageType.Ping, typeof(Ping))]
[Union(MessageType.Leave, typeof(Leave))]
[Union(MessageType.Resume, typeof(Resume))]
public abstract record ClientMessage;

[MessagePackObject]
public sealed record Join([property: Key(0)] string? RoomType, [property: Key(1)] string? RoomId = null) : ClientMessage;

[MessagePackObject]
[MessagePackFormatter(typeof(InputFormatter))]
public sealed record Input(uint Seq, long ClientTick, ReadOnlyMemory<byte> Payload) : ClientMessage;

[MessagePackObject]
public sealed record Ping([property: Key(0)] double ClientTimeMs) : ClientMessage;

[MessagePackObject]
public sealed record Leave : ClientMessage;

[MessagePackObject]
public sealed record Resume([property: Key(0)] string RoomId, [property: Key(1)] string ResumeToken) : ClientMessage;

[Union(MessageType.Welcome, typeof(Welcome))]
[Union(MessageType.Snapshot, typeof(Snapshot))]
[Union(MessageType.Pong, typeof(Pong))]
[Union(MessageType.Error, typeof(Error))]
[Union(MessageType.Left, typeof(Left))]
[Union(MessageType.SettingsChanged, typeof(SettingsChanged))]
public abstract record ServerMessage;

[MessagePackObject]
public sealed record Welcome(
    [property: Key(0)] string PlayerId,
    [property: Key(1)] string RoomId,
    [property: Key(2)] string RoomType,
    [property: Key(3)] int EntityId,
    [property: Key(4)] int TickRateHz,
    [property: Key(5)] int SnapshotEveryTicks,
    [property: Key(6)] long CurrentTick,
    [property: Key(7)] string ResumeToken,
    [property: Key(8)] int MaxPlayers,
    [property: Key(9)] bool Resumed = false,
    [property: Key(10)] int ReconnectGraceSeconds = 0) : ServerMessage;

[MessagePackObject]
[MessagePackFormatter(typeof(SnapshotFormatter))]
public sealed record Snapshot(long Tick, uint ServerTimeMs, ReadOnlyMemory<uint> Acks, ReadOnlyMemory<byte> GameState) : ServerMessage;

[MessagePackObject]
public sealed record Pong([property: Key(0)] double ClientTimeMs, [property: Key(1)] long ServerTimeMs) : ServerMessage;

[MessagePackObject]
public sealed record Error([property: Key(0)] int Code, [property: Key(1)] string Message) : ServerMessage;

[MessagePackObject]
public sealed record Left([property: Key(0)] string RoomId, [property: Key(1)] string Reason) : ServerMessage;

[MessagePackObject]
public sealed record SettingsChanged(
    [property: Key(0)] long Tick,
    [property: Key(1)] int TickRateHz,
    [property: Key(2)] int SnapshotEveryTicks,
    [property: Key(3)] int MaxPlayers) : ServerMessage;

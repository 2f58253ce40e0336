namespace GameServer.Protocol;

/// <summary>
/// A frame a client sends: a MessagePack array <c>[type, body]</c>. A message's body is the array of its parameters in
/// declaration order; <see cref="MessageCodec"/> reads and writes it by hand, so a new field is appended (never
/// inserted or reordered) here and in <c>ClientMessageFormat</c> together.
/// </summary>
public abstract record ClientMessage;

/// <summary>Join a room: either matchmake by <see cref="RoomType"/> (join-or-create) or enter <see cref="RoomId"/>.</summary>
/// <param name="RoomType">Room type to matchmake into, e.g. <c>"arena"</c>; null when <paramref name="RoomId"/> is set.</param>
/// <param name="RoomId">A specific room id, e.g. one a friend shared; null to matchmake.</param>
/// <param name="Properties">
/// Matchmaking criteria, e.g. <c>mode=duel</c>: only rooms with these values of the room type's declared properties
/// (the others at their defaults) are filled, and a new room gets them. Null for the defaults.
/// </param>
/// <param name="Options">
/// Game-defined join options, one MessagePack value embedded as-is (e.g. <c>{"team": "red"}</c>); the game admits or
/// refuses the player by them. Empty for none. At most <see cref="JoinOptions.MaxBytes"/> bytes.
/// </param>
public sealed record Join(string? RoomType, string? RoomId = null, IReadOnlyDictionary<string, string>? Properties = null, ReadOnlyMemory<byte> Options = default) : ClientMessage;

/// <summary>
/// Open a new room and take its first seat. A private room gets a short code (in the <see cref="Welcome"/>) that friends
/// join it by (<see cref="JoinByCode"/>); matchmaking never sends anyone there.
/// </summary>
/// <param name="RoomType">The room type, e.g. <c>"arena"</c>.</param>
/// <param name="Private">True for a room reachable only by its code.</param>
/// <param name="Properties">The room's values of the type's declared properties (the others at their defaults); null for the defaults.</param>
/// <param name="Options">Game-defined join options for the first seat, as for <see cref="Join.Options"/>.</param>
public sealed record Create(string RoomType, bool Private, IReadOnlyDictionary<string, string>? Properties = null, ReadOnlyMemory<byte> Options = default) : ClientMessage;

/// <summary>Join the room a friend created, by the code its <see cref="Welcome"/> showed them.</summary>
/// <param name="Code">The room code, e.g. <c>"K7QX2M"</c>; letters are matched case-insensitively.</param>
/// <param name="Options">Game-defined join options, as for <see cref="Join.Options"/>.</param>
public sealed record JoinByCode(string Code, ReadOnlyMemory<byte> Options = default) : ClientMessage;

/// <summary>One player input. Inputs are applied at the next tick boundary in <see cref="Seq"/> order.</summary>
/// <param name="Seq">Client sequence number, starting at 1 and increasing by one per input.</param>
/// <param name="ClientTick">The client's estimate of the server tick when it sent the input (for diagnostics and later lag compensation).</param>
/// <param name="Payload">The game's input, itself one MessagePack value embedded as-is (not as bin); for arena <c>[dx, dy]</c>.</param>
public sealed record Input(uint Seq, long ClientTick, ReadOnlyMemory<byte> Payload) : ClientMessage;

/// <summary>Round-trip probe; the server answers with <see cref="Pong"/> echoing <see cref="ClientTimeMs"/>.</summary>
/// <param name="ClientTimeMs">The client's clock in milliseconds, any origin.</param>
public sealed record Ping(double ClientTimeMs) : ClientMessage;

/// <summary>Leave the current room; the connection stays open and may join again.</summary>
public sealed record Leave : ClientMessage;

/// <summary>
/// Takes back a seat after a dropped connection: same room, same entity, same input sequence. Sent instead of
/// <see cref="Join"/> on a new connection (to any edge) within the room's reconnect grace window. The answer is a
/// <see cref="Welcome"/> with <c>Resumed = true</c> and a new resume token, or an <see cref="Error"/> with
/// <see cref="ErrorCode.ResumeExpired"/> (join afresh) or <see cref="ErrorCode.ResumeRejected"/>.
/// </summary>
/// <param name="RoomId">The room from the last <see cref="Welcome"/>.</param>
/// <param name="ResumeToken">The resume token from the last <see cref="Welcome"/> (each welcome replaces it).</param>
public sealed record Resume(string RoomId, string ResumeToken) : ClientMessage;

/// <summary>
/// gameserver.v2: asks for the next snapshot in full. A client sends it when a <see cref="Delta"/> does not follow the
/// last snapshot it applied; the server then sends that connection a <see cref="Snapshot"/> next.
/// </summary>
public sealed record KeyframeRequest : ClientMessage;

using MessagePack;

namespace GameServer.Simulation;

/// <summary>
/// One room's game state and rules, driven by <see cref="RoomRuntime"/>: joins and leaves, then at every tick the
/// queued inputs in sequence order followed by one fixed step, then a snapshot of the state. Single-threaded: the runtime
/// never calls it concurrently.
/// </summary>
public interface IGameRoom
{
    /// <summary>
    /// A player asks to join, with the game-defined options their client sent: admit them (into a view, with a role) or
    /// refuse them with a reason they will read. Called before <see cref="OnJoin"/> for the same entity id, only while
    /// the room has a free seat; not called for resumes or restores. Admits everyone into view 0 by default.
    /// </summary>
    JoinDecision OnJoinRequest(in JoinRequest request) => JoinDecision.Accept();

    /// <summary>A player joined; create their entity. <paramref name="entityId"/> is unique within the room.</summary>
    void OnJoin(int entityId);

    /// <summary>A player left; remove their entity.</summary>
    void OnLeave(int entityId);

    /// <summary>
    /// Decodes, validates and applies one input. Returns false when the payload is malformed or out of range, in which
    /// case the state must be unchanged. Called at a tick boundary, before <see cref="Step"/>.
    /// </summary>
    bool TryApplyInput(int entityId, ReadOnlySpan<byte> payload);

    /// <summary>Advances the simulation by one fixed step of <paramref name="dtSeconds"/>; <paramref name="tick"/> is the tick being produced.</summary>
    void Step(float dtSeconds, long tick);

    /// <summary>Writes the game state as exactly one MessagePack value (it is embedded raw in the snapshot).</summary>
    void WriteState(ref MessagePackWriter writer);

    /// <summary>
    /// Writes, as exactly one MessagePack value, how the state changed since <paramref name="previousState"/>: the
    /// bytes <see cref="WriteState"/> wrote for the room's previous snapshot. Clients rebuild the new state from the
    /// previous one with the game's client half (<c>GameServer.Protocol.IGameStateDelta</c>), which must give back
    /// exactly what <see cref="WriteState"/> writes now. Called right after <see cref="WriteState"/>, at most once per
    /// snapshot, and sent instead of the full state to the players who received the previous one. Return false (the
    /// default) to send full states only; whatever was written is then discarded.
    /// </summary>
    bool TryWriteDelta(ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer) => false;

    /// <summary>
    /// Writes the state the players of <paramref name="view"/> may see, as exactly one MessagePack value: for hidden
    /// information (a team's fog of war, a player's hand). Called once per snapshot for each view that has players,
    /// and its bytes go to each of them unchanged. By default every view sees <see cref="WriteState"/>.
    /// </summary>
    void WriteViewState(int view, ref MessagePackWriter writer) => WriteState(ref writer);

    /// <summary>
    /// <see cref="TryWriteDelta"/> for one view: how <paramref name="view"/>'s state changed since
    /// <paramref name="previousState"/>, the bytes <see cref="WriteViewState"/> wrote for that view at the previous
    /// snapshot. By default <see cref="TryWriteDelta"/>.
    /// </summary>
    bool TryWriteViewDelta(int view, ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer) => TryWriteDelta(previousState, ref writer);

    /// <summary>
    /// A designer changed the room's settings or tunables (values already validated against
    /// <see cref="IGame.Tunables"/>). Called at a tick boundary, before the next <see cref="Step"/>; the new
    /// <paramref name="settings"/>' tick interval applies from that step. Does nothing by default.
    /// </summary>
    void OnSettingsChanged(RoomSettings settings, IReadOnlyDictionary<string, double> tunables)
    {
    }

    /// <summary>
    /// Writes everything needed to continue this game exactly where it is, as MessagePack (any layout the game likes:
    /// only <see cref="RestoreState"/> reads it). The room saves it about once a second and when it moves between silos;
    /// after a silo dies the room continues from the last one. Include every entity (connected or not).
    /// </summary>
    void SaveState(ref MessagePackWriter writer);

    /// <summary>
    /// Replaces the state of this freshly created room (no <see cref="OnJoin"/> calls happen on restore) with one
    /// written by <see cref="SaveState"/>, possibly by an older activation on another silo.
    /// </summary>
    void RestoreState(ref MessagePackReader reader);

    /// <summary>
    /// What the lobby shows about the room besides its properties (e.g. <c>phase</c>: <c>waiting</c> or <c>playing</c>, a
    /// map name); null for nothing. Read after joins and leaves and about once a second, so it should be cheap and
    /// change rarely: a changed value is sent to the matchmaker.
    /// </summary>
    IReadOnlyDictionary<string, string>? Metadata => null;

    /// <summary>The room is closing; release anything held.</summary>
    void OnDispose();
}

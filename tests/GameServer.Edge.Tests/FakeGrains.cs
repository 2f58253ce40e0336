using System.Reflection;
using GameServer.Abstractions;

namespace GameServer.Edge.Tests;

/// <summary>
/// Room and matchmaker grains as the test scripts them, behind an <see cref="IGrainFactory"/>: enough to drive an edge
/// part's grain calls without a cluster. Records every call as "key.Method".
/// </summary>
internal sealed class FakeGrains
{
    public FakeGrains()
    {
        var factory = DispatchProxy.Create<IGrainFactory, Proxy>();
        ((Proxy)(object)factory).Handler = (method, args) => GetGrain(method, args!);
        Factory = factory;
    }

    public IGrainFactory Factory { get; }

    public List<string> Calls { get; } = [];

    /// <summary>What the matchmaker's FindRoom answers, in turn; null (no such game) once used up.</summary>
    public Queue<string?> FoundRooms { get; } = new();

    /// <summary>A room's answer to Join(playerId), by room id.</summary>
    public Func<string, string, JoinResult> Join { get; set; } = (roomId, _) => throw new InvalidOperationException($"No Join scripted for {roomId}.");

    /// <summary>A room's answer to Resume(playerId, token), by room id.</summary>
    public Func<string, string, string, JoinResult> Resume { get; set; } = (roomId, _, _) => throw new InvalidOperationException($"No Resume scripted for {roomId}.");

    public static JoinResult Answer(JoinStatus status, string roomId) =>
        new(status, roomId, roomId.Split(':')[0], EntityId: 1, TickRateHz: 20, SnapshotEveryTicks: 1, CurrentTick: 0, MaxPlayers: 8, ResumeToken: "");

    private object? GetGrain(MethodInfo method, object?[] args)
    {
        if (method.Name != nameof(IGrainFactory.GetGrain) || !method.IsGenericMethod || args.Length == 0 || args[0] is not string key)
        {
            throw new NotSupportedException($"FakeGrains does not do {method}.");
        }
        var grain = DispatchProxy.Create(method.GetGenericArguments()[0], typeof(Proxy));
        ((Proxy)grain).Handler = (call, callArgs) => OnGrainCall(key, call, callArgs!);
        return grain;
    }

    /// <summary>The join options the last Join or Open carried (their last argument).</summary>
    public byte[]? LastJoinOptions { get; private set; }

    private object? OnGrainCall(string key, MethodInfo method, object?[] args)
    {
        Calls.Add($"{key}.{method.Name}");
        if (method.Name is nameof(IRoomGrain.Join) or nameof(IRoomGrain.Open))
        {
            LastJoinOptions = (byte[]?)args[^1];
        }
        return method.Name switch
        {
            nameof(IMatchmakerGrain.FindRoom) => Task.FromResult(FoundRooms.Count > 0 && FoundRooms.Dequeue() is { } roomId
                ? new RoomTicket(TicketStatus.Ok, roomId, new RoomOptions(false, null, []))
                : RoomTicket.Refused(TicketStatus.UnknownRoomType)),
            // A matchmade join opens the room with the ticket's options: the same answer as a Join.
            nameof(IRoomGrain.Join) or nameof(IRoomGrain.Open) => Task.FromResult(Join(key, (string)args[0]!)),
            nameof(IRoomGrain.Resume) => Task.FromResult(Resume(key, (string)args[0]!, (string)args[1]!)),
            _ when method.ReturnType == typeof(Task) => Task.CompletedTask,
            _ => throw new NotSupportedException($"FakeGrains does not do {method}."),
        };
    }

    /// <summary>Every interface call goes to <see cref="Handler"/>.</summary>
    public class Proxy : DispatchProxy
    {
        public Func<MethodInfo, object?[]?, object?> Handler { get; set; } = (_, _) => null;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Handler(targetMethod!, args);
    }
}

using GameServer.Simulation;
using MessagePack;

namespace GameServer.Grains.Tests;

/// <summary>
/// A test game that uses the whole plug-in surface on cue: join options pick a view ("one" or "two") or are refused
/// ("refuse"); every tick emits a room-wide event; a joiner gets a private one; input 1 gets the sender kicked, input 2
/// ends the room. Its state per view is <c>[view, players]</c>.
/// </summary>
public sealed class ScriptedGame : IGame
{
    public const string Type = "scripted";

    public const int KickMe = 1;
    public const int EndRoom = 2;

    public string RoomType => Type;

    public RoomSettings DefaultSettings { get; } = new() { TickRateHz = 20, MaxPlayers = 4, EmptyRoomGraceSeconds = 5 };

    public IGameRoom CreateRoom(GameRoomContext context) => new Room(context.Room);

    /// <summary>Join options naming what the game should do with the joiner.</summary>
    public static byte[] Options(string what) => MessagePackSerializer.Serialize(what);

    private sealed class Room(RoomControl control) : GameRoom<int>
    {
        private int _players;

        public override JoinDecision OnJoinRequest(in JoinRequest request)
        {
            var what = request.Options.IsEmpty ? "one" : MessagePackSerializer.Deserialize<string>(request.Options);
            return what switch
            {
                "refuse" => JoinDecision.Refuse("Not today."),
                "two" => JoinDecision.Accept(view: 2, role: "two"),
                _ => JoinDecision.Accept(view: 1, role: "one"),
            };
        }

        public override void OnJoin(int entityId)
        {
            _players++;
            control.Emit(EventTarget.ToPlayer(entityId), MessagePackSerializer.Serialize(new object[] { "hello", entityId }));
        }

        public override void OnLeave(int entityId) => _players--;

        public override void Step(float dtSeconds, long tick) =>
            control.Emit(EventTarget.Everyone, MessagePackSerializer.Serialize(new object[] { "tick", tick }));

        public override void WriteState(ref MessagePackWriter writer) => WriteViewState(0, ref writer);

        public override void WriteViewState(int view, ref MessagePackWriter writer)
        {
            writer.WriteArrayHeader(2);
            writer.Write(view);
            writer.Write(_players);
        }

        public override void SaveState(ref MessagePackWriter writer) => writer.Write(_players);

        public override void RestoreState(ref MessagePackReader reader) => _players = reader.ReadInt32();

        protected override bool TryReadInput(ref MessagePackReader reader, out int input)
        {
            input = reader.ReadInt32();
            return input is KickMe or EndRoom;
        }

        protected override void OnInput(int entityId, in int input)
        {
            if (input == KickMe)
            {
                control.Kick(entityId, "Out.");
            }
            else
            {
                control.Close("Game over.");
            }
        }
    }
}

using GameServer.Protocol;
using GameServer.Simulation;
using MessagePack;

namespace GameServer.Grains.Tests;

/// <summary>
/// A minimal second game (proof that games plug in without touching grains): a 2 Hz room whose state is the count of
/// inputs applied. The slow tick makes "applied only at the tick boundary" observable without racing the timer.
/// </summary>
public sealed class SlowTickGame : IGame
{
    public const string Type = "slowtick";

    public string RoomType => Type;

    public RoomSettings DefaultSettings { get; } = new() { TickRateHz = 2, MaxPlayers = 4, EmptyRoomGraceSeconds = 5 };

    public IGameRoom CreateRoom(GameRoomContext context) => new Room();

    private sealed class Room : GameRoom<int>
    {
        private int _applied;

        public override void OnJoin(int entityId)
        {
        }

        public override void OnLeave(int entityId)
        {
        }

        public override void Step(float dtSeconds, long tick)
        {
        }

        public override void WriteState(ref MessagePackWriter writer) => writer.Write(_applied);

        public override void SaveState(ref MessagePackWriter writer) => writer.Write(_applied);

        public override void RestoreState(ref MessagePackReader reader) => _applied = reader.ReadInt32();

        protected override bool TryReadInput(ref MessagePackReader reader, out int input)
        {
            input = reader.ReadInt32();
            return true;
        }

        protected override void OnInput(int entityId, in int input) => _applied++;
    }

    public static int AppliedCount(Snapshot snapshot) => new MessagePackReader(snapshot.GameState).ReadInt32();
}

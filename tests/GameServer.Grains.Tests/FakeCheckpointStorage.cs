namespace GameServer.Grains.Tests;

/// <summary>Grain storage for one room's checkpoint, in memory, whose writes can be held open or made to fail.</summary>
internal sealed class FakeCheckpointStorage : IPersistentState<RoomCheckpoint>
{
    public RoomCheckpoint State { get; set; } = new();

    public string? Etag { get; set; }

    public bool RecordExists { get; set; }

    /// <summary>The tick of every checkpoint that reached storage, in order.</summary>
    public List<long> WrittenTicks { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>When set, the next write waits for it (and fails if it faults); cleared by that write.</summary>
    public Task? NextWriteGate { get; set; }

    public async Task WriteStateAsync()
    {
        Calls.Add("write");
        var gate = NextWriteGate;
        NextWriteGate = null;
        if (gate is not null)
        {
            await gate;
        }
        WrittenTicks.Add(State.Tick);
        RecordExists = true;
    }

    public Task ReadStateAsync()
    {
        Calls.Add("read");
        return Task.CompletedTask;
    }

    public Task ClearStateAsync()
    {
        Calls.Add("clear");
        RecordExists = false;
        State = new RoomCheckpoint();
        return Task.CompletedTask;
    }
}

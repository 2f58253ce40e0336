using MessagePack;

namespace GameServer.Simulation.Tests;

/// <summary>
/// A test <see cref="IGameRoom"/> that records every call in order. Payloads are one byte each (a MessagePack
/// positive fixint, usually the input's seq) so a test can tell which inputs were applied.
/// </summary>
internal sealed class RecordingGameRoom : IGameRoom
{
    /// <summary>Every call, in order: "join:1", "input:1:7" (entity 1, payload byte 7), "step:3", "leave:1", "dispose".</summary>
    public List<string> Events { get; } = new();

    /// <summary>The payload byte of every input the runtime passed in, accepted or not, per entity in call order.</summary>
    public List<(int EntityId, byte Value)> Inputs { get; } = new();

    public List<(float DtSeconds, long Tick)> Steps { get; } = new();

    /// <summary>Decides whether <see cref="TryApplyInput"/> accepts a payload; accepts all by default.</summary>
    public Func<byte[], bool> Accept { get; set; } = _ => true;

    /// <summary>Payload bytes of the inputs that were passed in, for a single entity.</summary>
    public byte[] ValuesFor(int entityId) => Inputs.Where(i => i.EntityId == entityId).Select(i => i.Value).ToArray();

    public void OnJoin(int entityId) => Events.Add($"join:{entityId}");

    public void OnLeave(int entityId) => Events.Add($"leave:{entityId}");

    public bool TryApplyInput(int entityId, ReadOnlySpan<byte> payload)
    {
        var bytes = payload.ToArray();
        var value = bytes.Length > 0 ? bytes[0] : (byte)0;
        Inputs.Add((entityId, value));
        Events.Add($"input:{entityId}:{value}");
        return Accept(bytes);
    }

    public void Step(float dtSeconds, long tick)
    {
        Steps.Add((dtSeconds, tick));
        Events.Add($"step:{tick}");
    }

    /// <summary>Writes the number of steps so far as the state: one MessagePack value, as the contract requires.</summary>
    public void WriteState(ref MessagePackWriter writer) => writer.Write(Steps.Count);

    /// <summary>Saves the events so far; a restored room continues the list.</summary>
    public void SaveState(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Events.Count);
        foreach (var e in Events)
        {
            writer.Write(e);
        }
    }

    public void RestoreState(ref MessagePackReader reader)
    {
        Events.Clear();
        var count = reader.ReadArrayHeader();
        for (var i = 0; i < count; i++)
        {
            Events.Add(reader.ReadString()!);
        }
        Events.Add("restore");
    }

    public void OnDispose() => Events.Add("dispose");

    /// <summary>A one-byte payload (positive fixint) carrying <paramref name="value"/>; values must be below 128.</summary>
    public static ReadOnlyMemory<byte> Payload(uint value) => new[] { checked((byte)value) };
}

using MessagePack;

namespace GameServer.Simulation;

/// <summary>
/// Convenience base for a game room with a typed input: decode it in <see cref="TryReadInput"/>, act on it in
/// <see cref="OnInput"/>. Malformed payloads are rejected here, so the game only sees well-formed inputs.
/// </summary>
public abstract class GameRoom<TInput> : IGameRoom
{
    public virtual JoinDecision OnJoinRequest(in JoinRequest request) => JoinDecision.Accept();

    public abstract void OnJoin(int entityId);

    public abstract void OnLeave(int entityId);

    public abstract void Step(float dtSeconds, long tick);

    public abstract void WriteState(ref MessagePackWriter writer);

    public abstract void SaveState(ref MessagePackWriter writer);

    public abstract void RestoreState(ref MessagePackReader reader);

    public virtual void OnSettingsChanged(RoomSettings settings, IReadOnlyDictionary<string, double> tunables)
    {
    }

    public virtual IReadOnlyDictionary<string, string>? Metadata => null;

    public virtual bool TryWriteDelta(ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer) => false;

    public virtual void WriteViewState(int view, ref MessagePackWriter writer) => WriteState(ref writer);

    public virtual bool TryWriteViewDelta(int view, ReadOnlyMemory<byte> previousState, ref MessagePackWriter writer) => TryWriteDelta(previousState, ref writer);

    public virtual void OnDispose()
    {
    }

    /// <summary>Reads one input value; return false (or throw <see cref="MessagePackSerializationException"/>) to reject it.</summary>
    protected abstract bool TryReadInput(ref MessagePackReader reader, out TInput input);

    /// <summary>Applies a decoded, valid input.</summary>
    protected abstract void OnInput(int entityId, in TInput input);

    public bool TryApplyInput(int entityId, ReadOnlySpan<byte> payload)
    {
        TInput input;
        try
        {
            // MessagePackReader wants memory, not a span; inputs are tiny so the copy is cheap and keeps the interface span-based.
            var reader = new MessagePackReader(payload.ToArray());
            if (!TryReadInput(ref reader, out input) || !reader.End)
            {
                return false;
            }
        }
        catch (MessagePackSerializationException)
        {
            return false;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        OnInput(entityId, input);
        return true;
    }
}

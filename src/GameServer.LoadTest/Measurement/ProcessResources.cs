namespace GameServer.LoadTest.Measurement;

/// <summary>One process's figures at one moment (see <see cref="ResourceReader"/>).</summary>
internal sealed record ProcessResources
{
    public double? RssMb { get; init; }

    public int? Threads { get; init; }

    public int? OpenHandles { get; init; }

    public double? GcHeapMb { get; init; }

    public double? Gen2Collections { get; init; }

    public double? Activations { get; init; }

    public double? RoomActivations { get; init; }

    public double? RoomsOpen { get; init; }
}

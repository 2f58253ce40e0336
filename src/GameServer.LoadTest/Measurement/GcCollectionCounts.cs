namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Garbage collections since the server started, by the oldest generation each one collected (a gen1 GC counts under
/// gen1 only, as the runtime's <c>dotnet.gc.collections</c> reports them).
/// </summary>
internal readonly record struct GcCollectionCounts(double Gen0, double Gen1, double Gen2);

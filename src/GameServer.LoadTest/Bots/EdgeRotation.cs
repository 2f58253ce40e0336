namespace GameServer.LoadTest.Bots;

/// <summary>
/// Spreads the bots over the edges: bot i gets the --url list rotated to start at edge i mod n. The SDK connects to the
/// first endpoint that accepts and moves to the next one on each reconnect attempt, so a bot whose edge dies fails over
/// to the next edge in its list (with two edges, the other one).
/// </summary>
internal static class EdgeRotation
{
    public static IReadOnlyList<Uri> For(IReadOnlyList<Uri> urls, int botIndex)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfZero(urls.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(botIndex);
        var start = botIndex % urls.Count;
        var rotated = new Uri[urls.Count];
        for (var i = 0; i < rotated.Length; i++)
        {
            rotated[i] = urls[(start + i) % urls.Count];
        }
        return rotated;
    }
}

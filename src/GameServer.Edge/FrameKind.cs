namespace GameServer.Edge;

/// <summary>What <see cref="FrameReader.ReceiveAsync"/> read.</summary>
internal enum FrameKind
{
    Binary,
    Text,
    Close,
    /// <summary>Longer than <c>Edge:MaxMessageBytes</c>; not read to its end.</summary>
    TooBig,
}

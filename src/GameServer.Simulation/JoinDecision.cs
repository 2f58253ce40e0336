namespace GameServer.Simulation;

/// <summary>A game's answer to a <see cref="JoinRequest"/>: admit the player (into a view, with a role) or refuse them.</summary>
public readonly record struct JoinDecision
{
    private JoinDecision(bool accepted, int view, string? role, string? reason)
    {
        Accepted = accepted;
        View = view;
        Role = role;
        Reason = reason;
    }

    public bool Accepted { get; }

    /// <summary>The view group whose state the player is sent (see <see cref="IGameRoom.WriteViewState"/>); 0 for public games.</summary>
    public int View { get; }

    /// <summary>A game-defined role or team shown to the player in its Welcome (e.g. <c>"red"</c>); null for none.</summary>
    public string? Role { get; }

    /// <summary>Why the player was refused; the client gets it as a <c>JoinRefused</c> error.</summary>
    public string? Reason { get; }

    /// <summary>Admits the player into <paramref name="view"/> (0–65535) with an optional <paramref name="role"/> (≤ 64 characters).</summary>
    public static JoinDecision Accept(int view = 0, string? role = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(view);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(view, ushort.MaxValue);
        if (role is { Length: > 64 })
        {
            throw new ArgumentException("A role is at most 64 characters.", nameof(role));
        }
        return new JoinDecision(true, view, role, null);
    }

    /// <summary>Refuses the player with a reason for them to read (≤ 200 characters, e.g. <c>"Team red is full."</c>).</summary>
    public static JoinDecision Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > 200)
        {
            throw new ArgumentException("A refusal reason is at most 200 characters.", nameof(reason));
        }
        return new JoinDecision(false, 0, null, reason);
    }
}

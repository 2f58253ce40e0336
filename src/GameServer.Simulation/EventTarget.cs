namespace GameServer.Simulation;

/// <summary>Who receives a game event (<see cref="RoomControl.Emit"/>).</summary>
public readonly record struct EventTarget
{
    private EventTarget(EventAudience audience, int id)
    {
        Audience = audience;
        Id = id;
    }

    public EventAudience Audience { get; }

    /// <summary>The view (for <see cref="EventAudience.View"/>) or entity id (for <see cref="EventAudience.Player"/>); 0 for everyone.</summary>
    public int Id { get; }

    /// <summary>Every player in the room.</summary>
    public static EventTarget Everyone => default;

    /// <summary>The players admitted into <paramref name="view"/> (e.g. one team).</summary>
    public static EventTarget ToView(int view) => new(EventAudience.View, view);

    /// <summary>One player, by entity id.</summary>
    public static EventTarget ToPlayer(int entityId) => new(EventAudience.Player, entityId);

    /// <summary>True when a player in <paramref name="view"/> with <paramref name="entityId"/> receives it.</summary>
    public bool Reaches(int view, int entityId) => Audience switch
    {
        EventAudience.View => Id == view,
        EventAudience.Player => Id == entityId,
        _ => true,
    };
}

/// <summary>The kinds of <see cref="EventTarget"/>.</summary>
public enum EventAudience
{
    Everyone = 0,
    View = 1,
    Player = 2,
}

namespace GameServer.Client;

/// <summary>
/// How a <see cref="GameClient"/> reconnects after its connection drops: exponential backoff with full jitter, so a
/// crowd of clients cut off at once (an edge died or drained) spreads its reconnects instead of arriving together.
/// The delay before attempt <c>n</c> (0-based) is uniform in <c>[0, min(MaxDelay, InitialDelay × 2ⁿ))</c>; see
/// <see cref="ReconnectBackoff"/>.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>Whether the client reconnects (and resumes its seat) by itself. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The backoff ceiling of the first attempt; it doubles with each failed attempt. Default 250 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The largest backoff ceiling. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Consecutive failed attempts after which the client gives up, raises <see cref="GameClient.Closed"/> and ends
    /// <see cref="GameClient.Completion"/>. A successful reconnect starts the count again. Default 10 (0 turns
    /// reconnecting off).
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// When the seat cannot be resumed after a reconnect (<see cref="GameClient.ResumeFailed"/>), join the same game
    /// afresh by itself: a private room again by its code, a public one by matchmaking with the lost room's properties
    /// (same room type and mode). A new entity, inputs numbered from 1 again. For games where "back in a match" beats
    /// "back in the menu". Default false: the client stays connected, out of a room, and the app decides.
    /// </summary>
    public bool RejoinAfterResumeFailure { get; set; }

    /// <summary>Throws naming the setting when a value is out of range.</summary>
    internal void Validate()
    {
        if (InitialDelay < TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"GameClientOptions.Reconnect.InitialDelay is {InitialDelay}; it must be zero or positive (default 250 ms).", nameof(InitialDelay));
        }
        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentException(
                $"GameClientOptions.Reconnect.MaxDelay ({MaxDelay}) is less than InitialDelay ({InitialDelay}); raise MaxDelay (default 10 s).", nameof(MaxDelay));
        }
        if (MaxAttempts < 0)
        {
            throw new ArgumentException(
                $"GameClientOptions.Reconnect.MaxAttempts is {MaxAttempts}; it must be 0 (never reconnect) or more (default 10).", nameof(MaxAttempts));
        }
    }
}

namespace GameServer.Testing;

/// <summary>
/// A Warning or Error the test provokes on purpose, so the log guard (<see cref="CheckLogsAttribute"/>) lets it pass:
/// <c>[AllowLog("GameServer.Edge.PlayerSession", 7, "the test floods inputs; the rate limit closing it logs this")]</c>.
/// On a test method it covers that test; on a test class, every test of the class. Matches the category exactly and
/// either the event id or a fragment of the message.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class AllowLogAttribute : Attribute
{
    /// <param name="category">The logger's category, e.g. <c>GameServer.Edge.PlayerSession</c>.</param>
    /// <param name="eventId">The entry's event id (the number in brackets in the console log).</param>
    /// <param name="why">Why the test makes the host log it.</param>
    public AllowLogAttribute(string category, int eventId, string why)
    {
        Category = category;
        EventId = eventId;
        Why = why;
    }

    /// <param name="category">The logger's category, e.g. <c>Microsoft.AspNetCore.Server.Kestrel</c>.</param>
    /// <param name="messageContains">A fragment of the message (ordinal comparison), for entries without a stable event id.</param>
    /// <param name="why">Why the test makes the host log it.</param>
    public AllowLogAttribute(string category, string messageContains, string why)
    {
        Category = category;
        MessageContains = messageContains;
        Why = why;
    }

    public string Category { get; }

    public int? EventId { get; }

    public string? MessageContains { get; }

    public string Why { get; }

    public bool Matches(LogEntry entry) =>
        string.Equals(entry.Category, Category, StringComparison.Ordinal)
        && (EventId is not { } id || entry.EventId == id)
        && (MessageContains is not { } fragment || entry.Message.Contains(fragment, StringComparison.Ordinal));
}

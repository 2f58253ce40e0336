using System.ComponentModel.DataAnnotations;

namespace GameServer.Edge;

/// <summary>Settings of the WebSocket edge (configuration section <c>Edge</c>).</summary>
public sealed class EdgeOptions : IValidatableObject
{
    public const string SectionName = "Edge";

    /// <summary>Largest client frame accepted, bytes; larger frames close the connection with 1009. Default 4096.</summary>
    [Range(64, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Snapshots dropped in a row (never sent because the client was not reading) before the connection is closed with 4001. Default 40 (2 s at 20 Hz).</summary>
    [Range(1, 10_000)]
    public int MaxConsecutiveDroppedSnapshots { get; set; } = 40;

    /// <summary>
    /// Bytes the server may hold for one connection below the application: the kernel socket send buffer and
    /// Kestrel's write buffer are each capped at this, so a client that stops reading fills them within seconds and
    /// the slow-consumer guard takes over. 0 keeps the OS default (Linux autotunes it up to 4 MB per socket). Applies
    /// to every connection of the host. Default 65536.
    /// </summary>
    [Range(0, 16_777_216)]
    public int SendBufferBytes { get; set; } = 65_536;

    /// <summary>
    /// Run socket reads and writes on the thread that completed them instead of handing each to another thread
    /// (Kestrel's <c>UnsafePreferInlineScheduling</c>; pair it with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>).
    /// The edge never blocks in its socket callbacks, so it is safe. Default false: measured, it cut context switches by
    /// a third to a half without a CPU saving outside the noise (docs/performance.md).
    /// </summary>
    public bool InlineSocketScheduling { get; set; }

    /// <summary>
    /// Wait for data before renting a receive buffer (Kestrel's default, true). False saves a zero-byte read per message
    /// but holds a pooled buffer per idle connection; measured, it cost CPU (docs/performance.md).
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; set; } = true;

    /// <summary>
    /// Agree to <c>gameserver.v2</c> when a client offers it, so snapshots go as deltas to players who received the
    /// previous one (default true). False speaks only <c>gameserver.v1</c>: every snapshot in full.
    /// </summary>
    public bool DeltaSnapshots { get; set; } = true;

    /// <summary>Non-snapshot messages (welcome, pong, errors) that may wait to be sent per connection. Default 32.</summary>
    [Range(1, 1024)]
    public int MaxQueuedControlMessages { get; set; } = 32;

    /// <summary>Inputs an edge buffers per room between batches; beyond it the oldest are dropped. Default 512.</summary>
    [Range(8, 65_536)]
    public int MaxBufferedInputsPerRoom { get; set; } = 512;

    /// <summary>How long before a room's next tick the edge sends its batched inputs, ms: covers timer and delivery jitter, so inputs do not miss the tick they were meant for. Default 10.</summary>
    [Range(0, 1000)]
    public int InputFlushLeadMs { get; set; } = 10;

    /// <summary>WebSocket ping interval, seconds; 0 disables. Default 15.</summary>
    [Range(0, 3600)]
    public int KeepAliveIntervalSeconds { get; set; } = 15;

    /// <summary>How long to wait for the pong to a keep-alive ping before aborting the connection, seconds; 0 waits forever. Default 10.</summary>
    [Range(0, 3600)]
    public int KeepAliveTimeoutSeconds { get; set; } = 10;

    /// <summary>A connection that sends no message for this long is closed with 4002, seconds; 0 disables. Clients send Ping when otherwise quiet. Default 30.</summary>
    [Range(0, 86_400)]
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a client may take to send the HTTP upgrade request's headers, seconds (Kestrel's RequestHeadersTimeout). Default 10.</summary>
    [Range(1, 300)]
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Browser origins allowed to open the game socket, e.g. <c>https://play.example.com</c>, in addition to the server's
    /// own origin (same scheme, host and port). A handshake from any other origin gets 403. Default none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Whether handshakes without an Origin header (native game clients, tools) are accepted; false refuses them with 403. Default true.</summary>
    public bool AllowMissingOrigin { get; set; } = true;

    /// <summary>Open game connections this edge accepts; beyond it handshakes get 503 with Retry-After. Default 10000.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open game connections per client IP address; beyond it handshakes get 429 with Retry-After. Default 100.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerIp { get; set; } = 100;

    /// <summary>Retry-After sent with 503 and 429 refusals, seconds. Default 5.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Inputs per second a connection may send on average (token bucket refill); extra inputs are dropped and counted. Default 30 (20 Hz clients plus jitter).</summary>
    [Range(1, 10_000)]
    public int InputsPerSecond { get; set; } = 30;

    /// <summary>Inputs a connection may send in a burst above the average rate. Default 10.</summary>
    [Range(1, 10_000)]
    public int InputBurst { get; set; } = 10;

    /// <summary>Join, leave and ping messages per second a connection may send on average; extras get error 11. Default 5.</summary>
    [Range(1, 10_000)]
    public int ControlMessagesPerSecond { get; set; } = 5;

    /// <summary>Join, leave and ping messages a connection may send in a burst. Default 10.</summary>
    [Range(1, 10_000)]
    public int ControlBurst { get; set; } = 10;

    /// <summary>
    /// Rate-limited messages a connection may accumulate before it is closed with 1008; the allowance refills at
    /// <see cref="RateLimitStrikesPerSecond"/>, so a client slightly over its rate is only trimmed while a flood is closed. Default 100.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRateLimitStrikes { get; set; } = 100;

    /// <summary>How fast the rate-limit strike allowance refills, per second. Default 10.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitStrikesPerSecond { get; set; } = 10;

    /// <summary>
    /// Addresses of reverse proxies (TLS terminators, load balancers) whose X-Forwarded-For and X-Forwarded-Proto
    /// headers are believed, so per-IP limits and origin checks see the player's address and scheme. Default none:
    /// forwarded headers are ignored.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Whether clients may join a specific room by id; when false (the default) they can only enter rooms the matchmaker assigns.</summary>
    public bool AllowJoinByRoomId { get; set; }

    /// <summary>Room-code attempts (JoinByCode, right or wrong) one connection may make per minute; beyond it Error 16. Default 5.</summary>
    [Range(1, 1000)]
    public int CodeAttemptsPerMinute { get; set; } = 5;

    /// <summary>Room-code attempts all connections from one client address may make per minute. Default 20.</summary>
    [Range(1, 100_000)]
    public int CodeAttemptsPerMinutePerIp { get; set; } = 20;

    /// <summary>How long a close handshake may take before the connection is aborted, ms. Default 2000.</summary>
    [Range(10, 60_000)]
    public int CloseTimeoutMs { get; set; } = 2000;

    /// <summary>
    /// How often each room subscription is renewed, seconds. A renewal also vouches for this edge's players' seats:
    /// rooms treat seats nobody vouched for in 15 s as disconnected (their edge died), so at most 10. Default 5.
    /// </summary>
    [Range(1, 10)]
    public int ResubscribeIntervalSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(AllowedOrigins)} entry '{origin}' is not an origin; write scheme://host[:port], e.g. https://play.example.com.",
                    [nameof(AllowedOrigins)]);
            }
        }
        foreach (var proxy in TrustedProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(TrustedProxies)} entry '{proxy}' is not an IP address.", [nameof(TrustedProxies)]);
            }
        }
    }
}

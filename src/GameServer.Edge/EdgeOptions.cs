using System.ComponentModel.DataAnnotations;

namespace GameServer.Edge;

/// <summary>Settings of the WebSocket edge (configuration section <c>Edge</c>).</summary>
public sealed class EdgeOptions
{
    public const string SectionName = "Edge";

    /// <summary>Largest client frame accepted, bytes; larger frames close the connection with 1009. Default 4096.</summary>
    [Range(64, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Snapshots dropped in a row (never sent because the client was not reading) before the connection is closed with 4001. Default 40 (2 s at 20 Hz).</summary>
    [Range(1, 10_000)]
    public int MaxConsecutiveDroppedSnapshots { get; set; } = 40;

    /// <summary>Non-snapshot messages (welcome, pong, errors) that may wait to be sent per connection. Default 32.</summary>
    [Range(1, 1024)]
    public int MaxQueuedControlMessages { get; set; } = 32;

    /// <summary>Inputs an edge buffers per room between batches; beyond it the oldest are dropped. Default 512.</summary>
    [Range(8, 65_536)]
    public int MaxBufferedInputsPerRoom { get; set; } = 512;

    /// <summary>How long before a room's next tick the edge sends its batched inputs, ms. Default 4.</summary>
    [Range(0, 1000)]
    public int InputFlushLeadMs { get; set; } = 4;

    /// <summary>WebSocket ping interval, seconds; 0 disables. Default 15.</summary>
    [Range(0, 3600)]
    public int KeepAliveIntervalSeconds { get; set; } = 15;

    /// <summary>How long a close handshake may take before the connection is aborted, ms. Default 2000.</summary>
    [Range(10, 60_000)]
    public int CloseTimeoutMs { get; set; } = 2000;

    /// <summary>How often each room subscription is renewed, seconds (rooms expire silent subscribers after 2 minutes). Default 30.</summary>
    [Range(1, 100)]
    public int ResubscribeIntervalSeconds { get; set; } = 30;
}

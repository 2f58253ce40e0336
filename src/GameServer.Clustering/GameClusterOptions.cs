namespace GameServer.Clustering;

/// <summary>
/// Where the cluster's shared state lives and how fast a dead silo is noticed (configuration section <c>Cluster</c>),
/// read by both cluster hosts: silos (<c>GameServer.Silo</c>) and edges (<c>GameServer.EdgeHost</c>).
/// </summary>
public sealed class GameClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// StackExchange.Redis connection string of the Redis that holds the membership table and the grains' <c>rooms</c>
    /// storage, e.g. <c>redis:6379</c> or <c>host:6379,password=…,ssl=true</c>. Default <c>127.0.0.1:6379</c>.
    /// </summary>
    public string RedisConnectionString { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// Orleans cluster id: processes with the same id form one cluster. A blue/green deployment uses a new id.
    /// Default <c>gameserver</c>.
    /// </summary>
    public string ClusterId { get; set; } = "gameserver";

    /// <summary>Orleans service id: stays the same across deployments; stored grain state is keyed by it. Default <c>gameserver</c>.</summary>
    public string ServiceId { get; set; } = "gameserver";

    /// <summary>
    /// Silo only: the address other silos and the edges use to reach this silo. An IP address, or a host name that
    /// resolves to one (e.g. the container's service name in docker compose; the first IPv4 address is used).
    /// Default <c>127.0.0.1</c>.
    /// </summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Silo only: listen on every interface rather than only <see cref="AdvertisedIPAddress"/> (containers, NAT).
    /// Default false.
    /// </summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>Silo only: silo-to-silo TCP port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Silo only: the TCP port edges (Orleans clients) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Silo only: initial timeout of a liveness probe, milliseconds; Orleans adapts it to observed round trips between
    /// half this value and <see cref="MaxProbeTimeoutMs"/>, and probes about that often. Default 1000 (Orleans' own: 5000).
    /// </summary>
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>
    /// Silo only: the longest a probe may wait, milliseconds. It also bounds how long after its last message a silo is
    /// still believed alive: a peer whose sockets stay open but that stopped answering (power or network loss, a frozen
    /// process) is declared dead only after no message arrived for this times <see cref="NumMissedProbesLimit"/>.
    /// Default 4000 (Orleans' own: four times <see cref="ProbeTimeoutMs"/>).
    /// </summary>
    public int MaxProbeTimeoutMs { get; set; } = 4000;

    /// <summary>
    /// Silo only: missed probes in a row after which a silo votes its peer dead. Default 2 (Orleans' own: 3). With the
    /// defaults a silo killed with <c>kill -9</c> is declared dead within about two probe periods.
    /// </summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// Silo only: votes needed to declare a silo dead. Orleans caps it at half the active silos (rounded up), so in a
    /// two-silo cluster one vote suffices whatever this says. Default 2 (Orleans' default): in larger clusters one silo
    /// with a bad link cannot evict healthy peers alone.
    /// </summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>
    /// Silo only: how often a silo writes its heartbeat to the membership table, seconds; an entry that misses several is
    /// stale and ignored (e.g. a silo that died without anyone probing it). Default 5 (Orleans' own: 30).
    /// </summary>
    public int IAmAliveTablePublishSeconds { get; set; } = 5;

    /// <summary>Silo only: how often a silo re-reads the membership table besides gossip, seconds. Default 10 (Orleans' own: 60).</summary>
    public int TableRefreshSeconds { get; set; } = 10;

    /// <summary>Edge only: how often the edge re-reads the list of silo gateways, seconds. Default 5 (Orleans' own: 60).</summary>
    public int GatewayListRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// How long a grain call (from an edge, or from one grain to another) waits for its answer before failing, seconds,
    /// so a call that went to a silo as it died fails fast and can be retried. Default 3 (Orleans' own: 30): the calls
    /// here (joins, resumes, an edge renewing or following its room subscription) answer in milliseconds, and an edge
    /// whose calls to a room's old silo hang keeps that room's players without snapshots until they fail (10 s left
    /// some rooms' players without snapshots for 11 s after a silo kill, where 3 s brings them back within 5 s).
    /// </summary>
    public int ResponseTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// Silo only: a room checkpoint that was not rewritten for this long is dropped from Redis, minutes. Running rooms
    /// rewrite theirs every <c>CheckpointIntervalSeconds</c> and closed rooms delete theirs, so this only removes the
    /// checkpoints of rooms whose silo died and that no player came back to (their seats were long released). Keep it
    /// well above the rooms' <c>ReconnectGraceSeconds</c> and <c>CheckpointIntervalSeconds</c> (at most 60 s); 5 to 10080.
    /// Default 60.
    /// </summary>
    public int CheckpointExpiryMinutes { get; set; } = 60;
}

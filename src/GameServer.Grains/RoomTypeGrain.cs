using GameServer.Abstractions;
using Microsoft.Extensions.Logging;

namespace GameServer.Grains;

/// <summary>
/// One room type's settings: configuration (re-read on every change notice) plus the admin API's overrides, kept in
/// grain storage. A change is validated as a whole, recorded in the audit trail and the log, and pushed to every live
/// room of the type, which applies it at its next tick boundary.
/// </summary>
internal sealed partial class RoomTypeGrain(
    RoomConfigRules rules,
    [PersistentState("roomType", RoomStorage.Settings)] IPersistentState<RoomTypeState> state,
    ILogger<RoomTypeGrain> logger) : Grain, IRoomTypeGrain
{
    private const int AuditCapacity = 200;

    private string RoomType => this.GetPrimaryKeyString();

    public async Task<RoomTypeView?> Get()
    {
        var configured = rules.Configured(RoomType);
        if (configured is null)
        {
            return null;
        }
        var rooms = await LiveRooms().ConfigureAwait(true);
        return new RoomTypeView(RoomType, configured, state.State.Overrides, Effective(configured), rules.Fields(), rules.Tunables(RoomType), rooms);
    }

    public Task<RoomConfig?> GetEffective()
    {
        var configured = rules.Configured(RoomType);
        return Task.FromResult(configured is null ? null : Effective(configured));
    }

    public async Task<SettingsChange> Update(RoomConfigPatch patch, string who)
    {
        var configured = rules.Configured(RoomType);
        if (configured is null)
        {
            return SettingsChange.Refused(new() { ["roomType"] = $"No game is registered for room type '{RoomType}'." });
        }
        var before = Effective(configured);
        var overrides = state.State.Overrides.Then(rules.Normalize(RoomType, patch));
        var after = overrides.ApplyTo(configured);
        var errors = rules.Validate(RoomType, after);
        if (errors.Count > 0)
        {
            return SettingsChange.Refused(errors);
        }
        state.State.Overrides = overrides;
        await RecordAsync(who, RoomType, "update", before, after).ConfigureAwait(true);
        await PushAsync(after).ConfigureAwait(true);
        return new SettingsChange(before, after, []);
    }

    public async Task<SettingsChange> Reset(string who)
    {
        var configured = rules.Configured(RoomType);
        if (configured is null)
        {
            return SettingsChange.Refused(new() { ["roomType"] = $"No game is registered for room type '{RoomType}'." });
        }
        var before = Effective(configured);
        state.State.Overrides = new RoomConfigPatch();
        await RecordAsync(who, RoomType, "reset", before, configured).ConfigureAwait(true);
        await PushAsync(configured).ConfigureAwait(true);
        return new SettingsChange(before, configured, []);
    }

    public async Task<SettingsChange> UpdateRoom(string roomId, RoomConfigPatch patch, string who)
    {
        var room = GrainFactory.GetGrain<IRoomGrain>(roomId);
        var info = await room.GetInfo().ConfigureAwait(true);
        var change = await room.SetOverrides(info.Overrides.Then(rules.Normalize(RoomType, patch))).ConfigureAwait(true);
        if (change.Succeeded)
        {
            await RecordAsync(who, roomId, "update", change.Before!, change.After!).ConfigureAwait(true);
        }
        return change;
    }

    public async Task<SettingsChange> ResetRoom(string roomId, string who)
    {
        var change = await GrainFactory.GetGrain<IRoomGrain>(roomId).SetOverrides(null).ConfigureAwait(true);
        if (change.Succeeded)
        {
            await RecordAsync(who, roomId, "reset", change.Before!, change.After!).ConfigureAwait(true);
        }
        return change;
    }

    public async Task ConfigurationChanged()
    {
        var configured = rules.Configured(RoomType);
        if (configured is not null)
        {
            await PushAsync(Effective(configured)).ConfigureAwait(true);
        }
    }

    public Task<SettingsAuditEntry[]> GetAudit() => Task.FromResult(state.State.Audit.ToArray());

    private RoomConfig Effective(RoomConfig configured) => state.State.Overrides.ApplyTo(configured);

    private async Task RecordAsync(string who, string target, string action, RoomConfig before, RoomConfig after)
    {
        var entry = new SettingsAuditEntry(DateTimeOffset.UtcNow, who, target, action, before, after);
        state.State.Audit.Add(entry);
        if (state.State.Audit.Count > AuditCapacity)
        {
            state.State.Audit.RemoveRange(0, state.State.Audit.Count - AuditCapacity);
        }
        Log.Changed(logger, who, action, target, Describe(before), Describe(after));
        await state.WriteStateAsync().ConfigureAwait(true);
    }

    private async Task<string[]> LiveRooms()
    {
        var rooms = await GrainFactory.GetGrain<IMatchmakerGrain>(RoomType).GetRooms().ConfigureAwait(true);
        return rooms.Select(r => r.RoomId).ToArray();
    }

    // Rooms that fail to take the change (e.g. closing) are logged and skipped; the next room to open reads the new settings anyway.
    private async Task PushAsync(RoomConfig config)
    {
        var rooms = await LiveRooms().ConfigureAwait(true);
        await Task.WhenAll(rooms.Select(async roomId =>
        {
            try
            {
                await GrainFactory.GetGrain<IRoomGrain>(roomId).ApplyTypeConfig(config).ConfigureAwait(true);
            }
            catch (Exception ex)
            {
                Log.PushFailed(logger, ex, roomId);
            }
        })).ConfigureAwait(true);
    }

    private static string Describe(RoomConfig c) =>
        $"TickRateHz={c.TickRateHz} SnapshotEveryTicks={c.SnapshotEveryTicks} MaxPlayers={c.MaxPlayers} InputQueueCapacity={c.InputQueueCapacity} " +
        $"MaxCatchUpSteps={c.MaxCatchUpSteps} EmptyRoomGraceSeconds={c.EmptyRoomGraceSeconds} " +
        $"ReconnectGraceSeconds={c.ReconnectGraceSeconds} CheckpointIntervalSeconds={c.CheckpointIntervalSeconds} " +
        string.Join(" ", c.Tunables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Settings {Action} by {Who} on {Target}: before [{Before}] after [{After}]")]
        public static partial void Changed(ILogger logger, string who, string action, string target, string before, string after);

        [LoggerMessage(21, LogLevel.Warning, "Pushing new settings to room {RoomId} failed")]
        public static partial void PushFailed(ILogger logger, Exception ex, string roomId);
    }
}

/// <summary>What a room type keeps in grain storage.</summary>
[GenerateSerializer, Alias("gs.RoomTypeState")]
internal sealed class RoomTypeState
{
    [Id(0)] public RoomConfigPatch Overrides { get; set; } = new();

    [Id(1)] public List<SettingsAuditEntry> Audit { get; set; } = new();
}

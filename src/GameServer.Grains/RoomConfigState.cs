using GameServer.Abstractions;

namespace GameServer.Grains;

/// <summary>
/// A room's settings: its room type's live config, the room's own overrides on top, and a change that waits for the
/// next tick boundary, so that no tick runs half on old settings and half on new. Decides what applies and when;
/// applying it (runtime, clock, edges, matchmaker) is the grain's job.
/// </summary>
internal sealed class RoomConfigState(RoomConfigRules rules, string roomType)
{
    private RoomConfig? _typeConfig;
    private RoomConfig? _pending;

    /// <summary>This room's own changes on top of its type's config (saved with its checkpoints).</summary>
    public RoomConfigPatch Overrides { get; private set; } = new();

    /// <summary>The settings in force (or about to be, at the next tick); null until the room opened as a known game.</summary>
    public RoomConfig? Effective => _typeConfig is null ? null : Overrides.ApplyTo(_typeConfig);

    /// <summary>
    /// The settings the room opens with: its type's live config (null from the room type grain means the configured one)
    /// and, for a room restored from a checkpoint, the overrides it was saved with.
    /// </summary>
    public RoomConfig Open(RoomConfig? typeConfig, RoomConfigPatch? savedOverrides)
    {
        _typeConfig = typeConfig ?? rules.Configured(roomType)!;
        if (savedOverrides is not null)
        {
            Overrides = savedOverrides;
        }
        return Effective!;
    }

    /// <summary>The room type's config changed: the room's settings to apply now, or null if they wait for the next tick.</summary>
    public RoomConfig? TypeChanged(RoomConfig typeConfig, bool ticking)
    {
        _typeConfig = typeConfig;
        return Schedule(Effective!, ticking);
    }

    /// <summary>
    /// Replaces the room's overrides (null clears them) if the result passes the room type's rules; otherwise changes
    /// nothing and names every bad field. <paramref name="applyNow"/> is as for <see cref="TypeChanged"/>.
    /// Call only once <see cref="Open"/>ed.
    /// </summary>
    public SettingsChange SetOverrides(RoomConfigPatch? overrides, bool ticking, out RoomConfig? applyNow)
    {
        var before = Effective!;
        var candidate = overrides ?? new RoomConfigPatch();
        var after = candidate.ApplyTo(_typeConfig!);
        var errors = rules.Validate(roomType, after);
        if (errors.Count > 0)
        {
            applyNow = null;
            return SettingsChange.Refused(errors);
        }
        Overrides = candidate;
        applyNow = Schedule(after, ticking);
        return new SettingsChange(before, after, []);
    }

    /// <summary>At a tick boundary: the settings that were waiting for it, if any (each is handed out once).</summary>
    public RoomConfig? TakePending()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }

    // A room that is not ticking has no tick to split: it takes new settings at once, and an older change still
    // waiting (the last player left before the tick it waited for) must not come back over it when ticking resumes.
    private RoomConfig? Schedule(RoomConfig config, bool ticking)
    {
        if (!ticking)
        {
            _pending = null;
            return config;
        }
        _pending = config;
        return null;
    }
}

using GameServer.Client;
using GameServer.Protocol;

namespace GameServer.LoadTest.Bots;

/// <summary>
/// How each bot gets its seat, per <see cref="RoomScenario"/>: matchmaking with the --property criteria, or private
/// rooms where bot i belongs to group i / players-per-room, the group's first bot creates the room and hands its code
/// to the others.
/// </summary>
internal sealed class RoomEntry
{
    // The SDK writes them as the MessagePack map the game reads: the tool has no codec of its own.
    private static readonly IReadOnlyDictionary<string, string> s_red = new Dictionary<string, string> { ["team"] = "red" };
    private static readonly IReadOnlyDictionary<string, string> s_blue = new Dictionary<string, string> { ["team"] = "blue" };

    private readonly string _roomType;
    private readonly IReadOnlyDictionary<string, string>? _properties;
    private readonly GameKind _game;
    private readonly int _groupSize;
    private readonly TaskCompletionSource<string>[]? _codes;

    public RoomEntry(LoadTestOptions options, int players)
    {
        _roomType = options.RoomType;
        // No properties: send none, so a plain run's Join is byte-for-byte what it always was.
        _properties = options.Properties.Count == 0 ? null : options.Properties;
        _groupSize = options.PlayersPerRoom;
        _game = options.Game;
        if (options.Scenario == RoomScenario.Private)
        {
            _codes = new TaskCompletionSource<string>[(players + _groupSize - 1) / _groupSize];
            for (var i = 0; i < _codes.Length; i++)
            {
                _codes[i] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Seats bot <paramref name="index"/>, connected through <paramref name="client"/>; throws as the SDK's joins do.</summary>
    public async Task<Welcome> SeatAsync(int index, GameClient client, CancellationToken cancellationToken)
    {
        var options = JoinOptionsFor(index);
        if (_codes is null)
        {
            return options is null
                ? await client.JoinAsync(_roomType, _properties, cancellationToken).ConfigureAwait(false)
                : await client.JoinAsync(_roomType, _properties, options, cancellationToken).ConfigureAwait(false);
        }
        var code = _codes[index / _groupSize];
        if (index % _groupSize == 0)
        {
            try
            {
                var created = options is null
                    ? await client.CreateRoomAsync(_roomType, isPrivate: true, _properties, cancellationToken).ConfigureAwait(false)
                    : await client.CreateRoomAsync(_roomType, isPrivate: true, _properties, options, cancellationToken).ConfigureAwait(false);
                code.TrySetResult(created.RoomCode ?? throw new InvalidOperationException($"the server created private room {created.RoomId} without a code"));
                return created;
            }
            catch (Exception ex)
            {
                GaveUp(index, ex.Message);
                throw;
            }
        }
        // The group's creator started its join first (joins start in index order); its code is what the others wait for.
        var roomCode = await code.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return options is null
            ? await client.JoinByCodeAsync(roomCode, cancellationToken).ConfigureAwait(false)
            : await client.JoinByCodeAsync(roomCode, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The join options of bot <paramref name="index"/>: none for the arena; for tag, red and blue in turn.</summary>
    public IReadOnlyDictionary<string, string>? JoinOptionsFor(int index) => _game switch
    {
        GameKind.Tag => index % 2 == 0 ? s_red : s_blue,
        _ => null, // none: an arena run's Join is byte-for-byte what it always was
    };

    /// <summary>Bot <paramref name="index"/> will not seat: if it was its group's creator, the others stop waiting for a code.</summary>
    public void GaveUp(int index, string why)
    {
        if (_codes is not null && index % _groupSize == 0)
        {
            _codes[index / _groupSize].TrySetException(
                new InvalidOperationException($"the group's creator (player {index + 1}) got no private room: {why}"));
        }
    }
}

using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// One embedded server shared by a test collection: Development environment (the demo page's token endpoint is on)
/// and joining rooms by id allowed, so gameplay tests can put players in one room.
/// </summary>
public sealed class HostFixture : IAsyncLifetime
{
    private TestHost? _host;

    /// <summary>The shared host; reading it puts its log under the running test's log guard.</summary>
    public TestHost Host
    {
        get
        {
            TestLogScope.Required.Watch(_host!.Logs);
            return _host;
        }
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri HttpUri => Host.HttpUri;

    /// <summary>e.g. <c>ws://127.0.0.1:41234/ws</c>, without a token.</summary>
    public Uri WebSocketUri => Host.WebSocketUri;

    public IServiceProvider Services => Host.Services;

    /// <summary>A client carrying a fresh player's token.</summary>
    public GameClient NewClient(GameClientOptions? options = null)
    {
        options ??= new GameClientOptions { StateDelta = ArenaDelta.Instance };
        options.AccessToken ??= Host.NewToken();
        return new GameClient(options);
    }

    public async Task InitializeAsync() =>
        _host = await TestHost.StartSharedAsync("Development", new Dictionary<string, string?> { ["Edge:AllowJoinByRoomId"] = "true" });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host.Logs.AssertNoUncheckedEntries();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}

using System.Threading.Tasks;
using GameServer.Testing;
using Xunit;

namespace GameServer.UnitySample.Tests
{
    /// <summary>One embedded server shared by the tests that play on the real thing (starting a silo takes seconds).</summary>
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

        public async Task InitializeAsync() => _host = await TestHost.StartAsync();

        public async Task DisposeAsync()
        {
            if (_host != null)
            {
                await _host.DisposeAsync();
                _host.Logs.AssertNoUncheckedEntries();
            }
        }
    }

    [CollectionDefinition(Name)]
    public sealed class HostCollection : ICollectionFixture<HostFixture>
    {
        public const string Name = "real server";
    }
}

using Xunit.Abstractions;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// The demo pages in a real browser: browser/demo.spec.mjs (playing) and browser/lobby.spec.mjs (the lobby, four tabs)
/// drive headless Chromium (/usr/bin/chromium) through playwright-core against the shared host; browser/tag.spec.mjs
/// plays the tag page (tag.html) in two tabs, one per team, and checks each is sent only what its team may see. The
/// project's build installs browser/node_modules (npm ci). The arena page speaks gameserver.v2 (delta snapshots) unless
/// opened with ?protocol=v1; the specs check which one it agreed and how many deltas it applied. browser/fallback.spec.mjs
/// plays the arena page in two tabs over the fallback transport (the hub at /hub): with WebSocket blocked, over
/// Server-Sent Events and over long polling, and with ?transport=longpolling forced while WebSocket works.
/// </summary>
[Collection(HostCollection.Name)]
[CheckLogs]
public sealed class BrowserDemoTests(HostFixture host, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DemoPage_InHeadlessChromium_ConnectsAndMovesOnKeyPress()
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-demo.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        var (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "demo.spec.mjs", url, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node demo.spec.mjs {url} exited with {exitCode}:\n{log}");
    }

    [Fact]
    public async Task DemoPage_OfferingOnlyV1_InHeadlessChromium_GetsFullSnapshots_AndMovesOnKeyPress()
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-demo-v1.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority) + "/?protocol=v1";

        var (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "demo.spec.mjs", url, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node demo.spec.mjs {url} exited with {exitCode}:\n{log}");
    }

    [Fact]
    public async Task TagPage_InTwoHeadlessChromiumTabs_ShowsEachTeamOnlyWhatItMaySee_UntilTheyMeet()
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-tag.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        var (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "tag.spec.mjs", url, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node tag.spec.mjs {url} exited with {exitCode}:\n{log}");
    }

    [Theory]
    [InlineData("sse")]
    [InlineData("longpolling")]
    [InlineData("forced-longpolling")]
    public async Task DemoPage_OverTheFallbackTransport_InTwoHeadlessChromiumTabs_AcksInputsAndShowsTheOtherPlayerMove(string transportCase)
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, $"browser-fallback-{transportCase}.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        var (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "fallback.spec.mjs", url, transportCase, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node fallback.spec.mjs {url} {transportCase} exited with {exitCode}:\n{log}");
    }

    [Fact]
    public async Task DemoLobby_InHeadlessChromium_JoinsAPrivateRoomByItsCode_AndListsOnlyPublicRooms()
    {
        var browserDir = Path.Combine(RepoPaths.Root, "tests", "GameServer.EndToEnd.Tests", "browser");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "browser-lobby.png");
        var url = host.HttpUri.GetLeftPart(UriPartial.Authority);

        var (exitCode, log) = await ChildProcess.NodeAsync(browserDir, Bound, "lobby.spec.mjs", url, screenshot);

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node lobby.spec.mjs {url} exited with {exitCode}:\n{log}");
    }
}

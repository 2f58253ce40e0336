using Microsoft.AspNetCore.Http;

namespace GameServer.Edge.Tests;

public sealed class OriginPolicyTests
{
    [Theory]
    [InlineData("https://play.example.com")]
    [InlineData("https://PLAY.example.com/")]
    [InlineData("https://play.example.com:443")]
    public void AllowlistedOrigin_IsAccepted(string origin) =>
        Assert.Null(Policy(["https://play.example.com"]).Check(Request(origin)));

    [Theory]
    [InlineData("https://evil.example.net")]
    [InlineData("http://play.example.com")]
    [InlineData("https://play.example.com:8443")]
    [InlineData("null")]
    public void OtherOrigin_IsRefusedNamingIt(string origin)
    {
        var refusal = Policy(["https://play.example.com"]).Check(Request(origin));

        Assert.NotNull(refusal);
        Assert.Contains(origin, refusal);
    }

    [Fact]
    public void TheServersOwnOrigin_IsAcceptedWithoutListingIt() =>
        Assert.Null(Policy([]).Check(Request("http://127.0.0.1:5000", host: "127.0.0.1:5000")));

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MissingOrigin_FollowsTheSetting(bool allowMissing, bool refused)
    {
        var policy = new OriginPolicy(new EdgeOptions { AllowMissingOrigin = allowMissing });

        Assert.Equal(refused, policy.Check(Request(null)) is not null);
    }

    private static OriginPolicy Policy(string[] allowed) => new(new EdgeOptions { AllowedOrigins = allowed });

    private static HttpRequest Request(string? origin, string host = "game.example.com")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }
        return context.Request;
    }
}

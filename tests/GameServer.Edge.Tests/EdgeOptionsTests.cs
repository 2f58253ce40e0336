using System.ComponentModel.DataAnnotations;

namespace GameServer.Edge.Tests;

public sealed class EdgeOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Validate(new EdgeOptions()));

    [Theory]
    [InlineData("play.example.com")]
    [InlineData("https://play.example.com/lobby")]
    [InlineData("ftp://play.example.com")]
    public void AnAllowedOriginThatIsNotAnOrigin_IsRefusedNamingTheSettingAndValue(string origin)
    {
        var errors = Validate(new EdgeOptions { AllowedOrigins = [origin] });

        var error = Assert.Single(errors);
        Assert.Contains("Edge:AllowedOrigins", error);
        Assert.Contains(origin, error);
    }

    [Fact]
    public void ATrustedProxyThatIsNotAnAddress_IsRefused()
    {
        var error = Assert.Single(Validate(new EdgeOptions { TrustedProxies = ["proxy.internal"] }));

        Assert.Contains("Edge:TrustedProxies", error);
    }

    [Fact]
    public void AnOutOfRangeLimit_IsRefusedNamingTheField() =>
        Assert.Contains(Validate(new EdgeOptions { InputsPerSecond = 0 }), e => e.Contains(nameof(EdgeOptions.InputsPerSecond)));

    private static List<string> Validate(EdgeOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }
}

using GameServer.Clustering;

namespace GameServer.Cluster.Tests;

public sealed class GameClusterOptionsValidatorTests
{
    private readonly GameClusterOptionsValidator _validator = new();

    [Fact]
    public void Defaults_AreValid()
    {
        var result = _validator.Validate(null, new GameClusterOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(nameof(GameClusterOptions.RedisConnectionString), "", "Cluster:RedisConnectionString is empty")]
    [InlineData(nameof(GameClusterOptions.RedisConnectionString), "127.0.0.1:6379,nosuchoption=1", "Cluster:RedisConnectionString '127.0.0.1:6379,nosuchoption=1' is not")]
    [InlineData(nameof(GameClusterOptions.ClusterId), " ", "Cluster:ClusterId is empty")]
    [InlineData(nameof(GameClusterOptions.ServiceId), "", "Cluster:ServiceId is empty")]
    [InlineData(nameof(GameClusterOptions.AdvertisedIPAddress), "", "Cluster:AdvertisedIPAddress is empty")]
    [InlineData(nameof(GameClusterOptions.AdvertisedIPAddress), "no-such-host.invalid", "Cluster:AdvertisedIPAddress 'no-such-host.invalid'")]
    [InlineData(nameof(GameClusterOptions.SiloPort), "0", "Cluster:SiloPort is 0")]
    [InlineData(nameof(GameClusterOptions.GatewayPort), "11111", "are both 11111")]
    [InlineData(nameof(GameClusterOptions.ProbeTimeoutMs), "10", "Cluster:ProbeTimeoutMs is 10; use 100 to 60000")]
    [InlineData(nameof(GameClusterOptions.MaxProbeTimeoutMs), "500", "Cluster:MaxProbeTimeoutMs (500) is below Cluster:ProbeTimeoutMs (1000)")]
    [InlineData(nameof(GameClusterOptions.NumMissedProbesLimit), "0", "Cluster:NumMissedProbesLimit is 0")]
    [InlineData(nameof(GameClusterOptions.NumVotesForDeathDeclaration), "0", "Cluster:NumVotesForDeathDeclaration is 0")]
    [InlineData(nameof(GameClusterOptions.ResponseTimeoutSeconds), "0", "Cluster:ResponseTimeoutSeconds is 0")]
    [InlineData(nameof(GameClusterOptions.CheckpointExpiryMinutes), "4", "Cluster:CheckpointExpiryMinutes is 4; use 5 to 10080")]
    public void BadSetting_FailsNamingTheKey(string property, string value, string expected)
    {
        var options = new GameClusterOptions();
        var target = typeof(GameClusterOptions).GetProperty(property)!;
        target.SetValue(options, Convert.ChangeType(value, target.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void PasswordInABadConnectionString_IsNotEchoed()
    {
        var result = _validator.Validate(null, new GameClusterOptions { RedisConnectionString = "redis:6379,password=hunter2,bogus=1" });

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2", result.FailureMessage);
    }
}

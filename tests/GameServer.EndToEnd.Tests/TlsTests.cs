using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GameServer.Client;
using GameServer.Protocol.Arena;

namespace GameServer.EndToEnd.Tests;

/// <summary>
/// TLS from configuration alone: a self-signed certificate made at test time, Kestrel's HTTPS endpoint pointed at it
/// with <c>Kestrel:Endpoints:Https:*</c> settings, and the SDK connecting over <c>wss://</c>.
/// </summary>
[CheckLogs] // configured as docs/security.md says, a TLS host starts without a warning (no Urls beside Kestrel:Endpoints)
public sealed class TlsTests : IDisposable
{
    private const string PfxPassword = "test-only-password";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gameserver-tls-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task AHostWithACertificateFromConfiguration_ServesWss_ToAClientTrustingExactlyThatCertificate(string format)
    {
        using var certificate = CreateCertificate(rsa: format == "pfx");
        await using var host = await TestHost.StartAsync("Production", HttpsSettings(certificate, format), urls: null);
        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        await using var client = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            AccessToken = host.NewToken(),
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint,
        });

        await client.ConnectAsync(host.WebSocketUri);
        var welcome = await client.JoinAsync("arena");
        await Wait.UntilAsync(() => client.SnapshotsReceived >= 5, "snapshots arrive over wss");

        Assert.Equal("https", host.HttpUri.Scheme);
        Assert.Equal("wss", host.WebSocketUri.Scheme);
        Assert.StartsWith("arena:", welcome.RoomId);
        Assert.Equal(ConnectionState.InRoom, client.State);
        // The management port stays plain HTTP (it is a Kestrel endpoint of its own next to the configured https one).
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(host.ManagementUri, "/healthz"));
        Assert.Equal("http", host.ManagementUri.Scheme);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AClientThatDoesNotTrustTheCertificate_CannotConnect()
    {
        using var certificate = CreateCertificate(rsa: false);
        using var another = CreateCertificate(rsa: false);
        await using var host = await TestHost.StartAsync("Production", HttpsSettings(certificate, "pem"), urls: null);
        var anotherThumbprint = another.GetCertHashString(HashAlgorithmName.SHA256);
        await using var platformValidation = new GameClient(new GameClientOptions { StateDelta = ArenaDelta.Instance, AccessToken = host.NewToken() });
        await using var trustsAnother = new GameClient(new GameClientOptions
        {
            StateDelta = ArenaDelta.Instance,
            AccessToken = host.NewToken(),
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString(HashAlgorithmName.SHA256) == anotherThumbprint,
        });

        await Assert.ThrowsAsync<WebSocketException>(() => platformValidation.ConnectAsync(host.WebSocketUri));
        await Assert.ThrowsAsync<WebSocketException>(() => trustsAnother.ConnectAsync(host.WebSocketUri));

        Assert.Equal(ConnectionState.Closed, platformValidation.State);
        Assert.Equal(ConnectionState.Closed, trustsAnother.State);
    }

    /// <summary>
    /// Kestrel settings for one HTTPS endpoint on a free port, from PEM files (cert + key) or a password-protected PFX.
    /// The test host is started without <c>Urls</c>, as a deployment would be, so the game's only address, and so
    /// <see cref="TestHost.HttpUri"/>, is the https one; the management port joins it as an endpoint of its own.
    /// </summary>
    private Dictionary<string, string?> HttpsSettings(X509Certificate2 certificate, string format)
    {
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0" };
        if (format == "pfx")
        {
            var pfx = Path.Combine(_directory.FullName, "server.pfx");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, PfxPassword));
            settings["Kestrel:Endpoints:Https:Certificate:Path"] = pfx;
            settings["Kestrel:Endpoints:Https:Certificate:Password"] = PfxPassword;
        }
        else
        {
            var cert = Path.Combine(_directory.FullName, "server.pem");
            var key = Path.Combine(_directory.FullName, "server.key");
            File.WriteAllText(cert, certificate.ExportCertificatePem());
            using var ecdsa = certificate.GetECDsaPrivateKey()!;
            File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
            settings["Kestrel:Endpoints:Https:Certificate:Path"] = cert;
            settings["Kestrel:Endpoints:Https:Certificate:KeyPath"] = key;
        }
        return settings;
    }

    /// <summary>A self-signed server certificate for 127.0.0.1 and localhost: ECDSA P-256, or RSA 2048.</summary>
    private static X509Certificate2 CreateCertificate(bool rsa)
    {
        using var rsaKey = rsa ? RSA.Create(2048) : null;
        using var ecdsaKey = rsa ? null : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = rsa
            ? new CertificateRequest("CN=GameServer TLS test", rsaKey!, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=GameServer TLS test", ecdsaKey!, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace GameServer.Cluster.Tests;

/// <summary>
/// A real nginx running the shipped docker/nginx.conf, rendered for this machine: the compose service names become the
/// test's edges, Docker's resolver and <c>resolve</c> are dropped (no Docker DNS here; older nginx rejects
/// <c>resolve</c>), it listens on a free loopback port, runs in the foreground as one process (stopped by its PID) and
/// writes an access log naming each request's affinity key and the edge that served it. Everything else is the
/// shipped file as it is.
/// </summary>
internal sealed partial class NginxProcess : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    private NginxProcess(ManagedProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Uri = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Where nginx listens.</summary>
    public Uri Uri { get; }

    /// <summary>nginx's prefix folder: its rendered config, temp files and access log.</summary>
    public string Directory { get; }

    private string AccessLogPath => Path.Combine(Directory, "access.log");

    /// <summary>Renders the shipped config for <paramref name="edges"/> (in the order edge-1, edge-2) and starts nginx on it.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> edges, string workDirectory)
    {
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(workDirectory, "nginx")).FullName;
        var port = FreePort.Next();
        var config = Render(File.ReadAllText(Path.Combine(RepoPaths.Docker, "nginx.conf")), edges, port);
        var configPath = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config);

        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        ManagedProcess process;
        try
        {
            // -e: errors before the config is read go to stderr too, not to the packaged /var/log/nginx.
            process = ManagedProcess.Start("nginx", nginx, ["-p", directory, "-c", configPath, "-e", "stderr"], new Dictionary<string, string?>(), workDirectory);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("nginx is not installed: `apt-get install nginx` (test.sh does).", ex);
        }
        var started = new NginxProcess(process, directory, port);
        try
        {
            await Wait.UntilAsync(
                async () => process.HasExited ? throw new InvalidOperationException("nginx exited.\n" + process.Tail()) : await AcceptsAsync(port),
                "nginx accepts connections");
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
        return started;
    }

    /// <summary>The shipped config with only what must differ on this machine changed; each change must find its target.</summary>
    public static string Render(string shipped, IReadOnlyList<Uri> edges, int port)
    {
        var config = ResolverRegex().Replace(shipped, "");
        config = ResolveRegex().Replace(config, ";");
        for (var i = 0; i < edges.Count; i++)
        {
            config = ReplaceRequired(config, $"edge-{i + 1}:8080", edges[i].Authority);
        }
        config = ReplaceRequired(config, "listen 80;", $"listen 127.0.0.1:{port};");
        // One foreground process (nothing survives a kill of its PID), with every file in the prefix folder.
        config = "daemon off;\nmaster_process off;\npid nginx.pid;\nerror_log stderr warn;\n" + config;
        config = ReplaceRequired(config, "http {", """
            http {
                client_body_temp_path client_body;
                proxy_temp_path proxy;
                fastcgi_temp_path fastcgi;
                uwsgi_temp_path uwsgi;
                scgi_temp_path scgi;
                log_format affinity '$hub_affinity|$request_method|$uri|$arg_id|$status|$upstream_addr';
                access_log access.log affinity;
            """);
        return config;
    }

    /// <summary>The access log so far, one entry per request.</summary>
    public IReadOnlyList<AccessLogEntry> AccessLog()
    {
        if (!File.Exists(AccessLogPath))
        {
            return [];
        }
        using var stream = new FileStream(AccessLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AccessLogEntry.Parse)];
    }

    /// <summary>stdout and stderr of nginx, for failure messages.</summary>
    public string Tail() => _process.Tail();

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private static string ReplaceRequired(string text, string what, string with)
    {
        if (!text.Contains(what, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"docker/nginx.conf no longer contains `{what}`: update NginxProcess.Render.");
        }
        return text.Replace(what, with, StringComparison.Ordinal);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\s*resolver\s[^;]*;\s*$", RegexOptions.Multiline)]
    private static partial Regex ResolverRegex();

    [GeneratedRegex(@"\s+resolve\s*;")]
    private static partial Regex ResolveRegex();
}

/// <summary>One access-log line of <see cref="NginxProcess"/>: the hub affinity key, the request and the edge that served it.</summary>
internal sealed record AccessLogEntry(string AffinityKey, string Method, string Path, string ConnectionToken, int Status, string Upstream)
{
    public static AccessLogEntry Parse(string line)
    {
        // '|' separates: $upstream_addr lists every edge tried, separated by ", ".
        var fields = line.Split('|');
        if (fields.Length != 6)
        {
            throw new FormatException($"Unexpected access log line: {line}");
        }
        // nginx logs an empty variable as "-".
        static string Value(string field) => field == "-" ? "" : field;
        return new(Value(fields[0]), fields[1], fields[2], Value(fields[3]), int.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture), Value(fields[5]));
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Detector.Tests.Support;


namespace Detector.Tests.Deploy;

/// <summary>
/// The Nginx configuration shipped in <c>deploy/nginx/</c>, laid out the way docker-compose.yml mounts it
/// (<c>detector/…</c> relative to the configuration prefix) so that a test machine runs it. Only what cannot
/// exist on a test machine is changed, and <see cref="Substitutions"/> names every changed line:
/// the php-fpm upstream (the compose host name <c>nextcloud</c> does not resolve here), the listen address,
/// the document root and the access-log path. Everything else is the shipped text, byte for byte;
/// <c>NextcloudNginxConfigSpecs</c> proves it. The netns topology (<c>DockerHostTopology</c>) runs it in a container
/// namespace; it is linked into Detector.Benchmarks too, so this file stays free of xunit (skips live in ShippedNginx.Testing.cs).
/// </summary>
public sealed partial class ShippedNginx : IDisposable
{
    public const string ServerBlock = "deploy/nginx/nextcloud.conf";
    public const string LogFormat = "deploy/nginx/detector-log-format.conf";
    public const string TrustedProxies = "deploy/nginx/trusted-proxies.conf";
    public const string Upstream = "deploy/nginx/nextcloud-upstream.conf";

    public const string ShippedListen = "listen 80;";
    public const string ShippedListenV6 = "listen [::]:80;";
    public const string ShippedRoot = "root /var/www/html;";

    private Process? _process;

    public DirectoryInfo Prefix { get; }
    public string MainConfig => Path.Combine(Prefix.FullName, "nginx.conf");
    public string RenderedServerBlock => Path.Combine(Prefix.FullName, "detector", "nextcloud.conf");
    public string AccessLog => Path.Combine(Prefix.FullName, "logs", "access.json.log");
    public string DocumentRoot => Path.Combine(Prefix.FullName, "www");
    public int Port { get; }

    /// <summary>Shipped line -> the line the test runs instead.</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; }

    public ShippedNginx(int port, int phpFpmPort) : this("127.0.0.1", port, $"127.0.0.1:{phpFpmPort}")
    {
    }

    /// <param name="listenAddress">The IPv4 address Nginx listens on.</param>
    /// <param name="phpFpmServer">The php-fpm upstream's <c>server</c>: <c>host:port</c> or <c>unix:/path</c>.</param>
    public ShippedNginx(string listenAddress, int port, string phpFpmServer)
    {
        Port = port;
        Prefix = Directory.CreateTempSubdirectory("detector-shipped-nginx-");
        var root = Prefix.FullName;
        Directory.CreateDirectory(Path.Combine(root, "detector"));
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        Directory.CreateDirectory(DocumentRoot);

        // The shipped includes, as they are (symlinks: the very files).
        File.CreateSymbolicLink(Path.Combine(root, "detector", "detector-log-format.conf"), Repository.File(LogFormat));
        File.CreateSymbolicLink(Path.Combine(root, "detector", "trusted-proxies.conf"), Repository.File(TrustedProxies));
        // The upstream: loopback instead of the compose service name.
        File.WriteAllText(Path.Combine(root, "detector", "nextcloud-upstream.conf"),
            $"upstream php-handler {{ server {phpFpmServer}; }}\n");
        // Files the official image has in /etc/nginx; the distribution's copies.
        foreach (var name in new[] { "mime.types", "fastcgi_params" })
            File.CreateSymbolicLink(Path.Combine(root, name), DistributionFile(name));

        Substitutions = new Dictionary<string, string>
        {
            [ShippedListen] = $"listen {listenAddress}:{port};",
            [ShippedListenV6] = "",
            [ShippedRoot] = $"root {DocumentRoot};",
            [$"access_log {ShippedAccessLogPath()} detector_json;"] = $"access_log {AccessLog} detector_json;",
        };
        File.WriteAllText(RenderedServerBlock, Render(File.ReadAllText(Repository.File(ServerBlock)), Substitutions));

        File.WriteAllText(MainConfig, $$"""
            daemon off;
            master_process off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/logs/error.log;
            events {}
            http {
                client_body_temp_path {{root}}/body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                include detector/nextcloud.conf;
            }
            """);
    }

    public static string? Binary() => new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>Why Nginx cannot run here (no binary, or the distribution's include files are missing), or null.</summary>
    public static string? MissingReason()
    {
        if (Binary() is null) return "nginx is not installed (./test.sh installs nginx-light when run as root)";
        foreach (var name in new[] { "mime.types", "fastcgi_params" })
            if (!File.Exists(DistributionFile(name))) return $"/etc/nginx/{name} is missing (package nginx-common)";
        return null;
    }

    private static string DistributionFile(string name) => Path.Combine("/etc/nginx", name);

    /// <summary>The path of the shipped server block's <c>access_log … detector_json;</c>.</summary>
    public static string ShippedAccessLogPath()
    {
        var matches = AccessLogDirective().Matches(File.ReadAllText(Repository.File(ServerBlock)));
        if (matches.Count != 1) throw new InvalidOperationException($"{ServerBlock} must have one detector_json access_log, found {matches.Count}");
        return matches[0].Groups["path"].Value;
    }

    /// <summary>Replaces each shipped line (it must occur exactly once, as a whole trimmed line).</summary>
    public static string Render(string shipped, IReadOnlyDictionary<string, string> substitutions)
    {
        var lines = shipped.Split('\n');
        foreach (var (from, to) in substitutions)
        {
            var at = Enumerable.Range(0, lines.Length).Where(i => lines[i].Trim() == from).ToList();
            if (at.Count != 1) throw new InvalidOperationException($"'{from}' must occur exactly once in {ServerBlock}, found {at.Count}");
            var indent = lines[at[0]][..(lines[at[0]].Length - lines[at[0]].TrimStart().Length)];
            lines[at[0]] = to.Length == 0 ? "" : indent + to;
        }
        return string.Join('\n', lines);
    }

    /// <summary>Starts Nginx in the foreground; <paramref name="launcher"/> runs it through another command
    /// (<c>ip netns exec NAME</c>).</summary>
    public void Start(params string[] launcher)
    {
        var nginx = Binary() ?? throw new InvalidOperationException(MissingReason());
        string[] argv = [.. launcher, nginx, "-p", Prefix.FullName, "-c", MainConfig];
        var info = new ProcessStartInfo(argv[0]);
        foreach (var a in argv[1..]) info.ArgumentList.Add(a);
        _process = Process.Start(info);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        Prefix.Delete(recursive: true);
    }

    [GeneratedRegex(@"^\s*access_log\s+(?<path>\S+)\s+detector_json\s*;", RegexOptions.Multiline)]
    private static partial Regex AccessLogDirective();
}

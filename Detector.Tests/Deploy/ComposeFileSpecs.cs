using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Detector.Tests.Support;
using static Detector.Tests.Deploy.ComposeFile;

namespace Detector.Tests.Deploy;

/// <summary>docker-compose.yml: Nextcloud, its database, Nginx in front and Detector beside them, wired right.</summary>
public sealed partial class ComposeFileSpecs
{
    private readonly ComposeFile _compose = ComposeFile.Load();

    private YamlDotNet.RepresentationModel.YamlMappingNode Detector => _compose.Service("detector");
    private YamlDotNet.RepresentationModel.YamlMappingNode Nginx => _compose.Service("nginx");

    [Fact]
    public void It_runs_nextcloud_fpm_with_a_database_behind_nginx_and_the_detector()
    {
        Assert.Subset(_compose.ServiceNames.ToHashSet(), new HashSet<string> { "db", "nextcloud", "nginx", "detector" });
        Assert.StartsWith("nextcloud:29-fpm", Scalar(_compose.Service("nextcloud"), "image"));
        Assert.StartsWith("mariadb:", Scalar(_compose.Service("db"), "image"));
        Assert.StartsWith("nginx:", Scalar(Nginx, "image"));
        Assert.Contains(Mounts(_compose.Service("db")), m => m.Target == "/var/lib/mysql" && _compose.NamedVolumes.Contains(m.Source));
    }

    [Fact]
    public void Nginx_runs_the_shipped_config_and_php_fpm_is_the_upstream_it_names()
    {
        var mounts = Mounts(Nginx);
        Assert.Contains(mounts, m => m is { Source: "./deploy/nginx/nextcloud.conf", Target: "/etc/nginx/conf.d/default.conf", ReadOnly: true });
        Assert.Contains(mounts, m => m is { Source: "./deploy/nginx", Target: "/etc/nginx/detector", ReadOnly: true });
        // The server block's relative includes resolve under /etc/nginx/detector/.
        var serverBlock = File.ReadAllText(Repository.File(ShippedNginx.ServerBlock));
        foreach (Match include in IncludeDetector().Matches(serverBlock))
            Assert.True(File.Exists(Repository.File("deploy/nginx/" + include.Groups["file"].Value)), include.Value);
        // Static files: the nextcloud volume at the document root, read-only.
        Assert.Contains(mounts, m => m is { Source: "nextcloud", Target: "/var/www/html", ReadOnly: true });
        Assert.Contains(Mounts(_compose.Service("nextcloud")), m => m is { Source: "nextcloud", Target: "/var/www/html" });
        Assert.Contains("root /var/www/html;", serverBlock);
        // fastcgi_pass php-handler -> the nextcloud service's php-fpm port.
        Assert.Contains("server nextcloud:9000;", File.ReadAllText(Repository.File(ShippedNginx.Upstream)));
        Assert.Contains("fastcgi_pass php-handler;", serverBlock);
    }

    [Fact]
    public void The_detector_follows_the_file_nginx_writes_through_a_read_only_mount_of_the_same_volume()
    {
        var nginxLog = ShippedNginx.ShippedAccessLogPath();
        var nginxMount = Mounts(Nginx).Single(m => nginxLog.StartsWith(m.Target + "/", StringComparison.Ordinal));
        Assert.False(nginxMount.ReadOnly);
        Assert.Contains(nginxMount.Source, _compose.NamedVolumes);

        var detectorMount = Mounts(Detector).Single(m => m.Source == nginxMount.Source);
        Assert.True(detectorMount.ReadOnly, "the detector must mount the access-log volume read-only");

        var expected = detectorMount.Target + nginxLog[nginxMount.Target.Length..];
        Assert.Equal(expected, Environment(Detector)["Detector__Log__Path"]);
    }

    [Fact]
    public void The_detector_keeps_its_data_in_its_own_volume()
    {
        var dataDir = Environment(Detector)["Detector__DataDir"];
        var mount = Mounts(Detector).Single(m => m.Target == dataDir);
        Assert.False(mount.ReadOnly);
        Assert.Contains(mount.Source, _compose.NamedVolumes);
        Assert.DoesNotContain(new[] { "db", "nginx", "nextcloud", "cron" }.Select(_compose.Service), s => Mounts(s).Any(m => m.Source == mount.Source));
    }

    [Fact]
    public void The_detector_uses_the_host_network_with_only_the_firewall_capabilities()
    {
        Assert.Equal("host", Scalar(Detector, "network_mode"));
        Assert.Equal(["NET_ADMIN", "NET_RAW"], Sequence(Detector, "cap_add").Order());
        Assert.Equal(["ALL"], Sequence(Detector, "cap_drop"));
        Assert.Contains("no-new-privileges:true", Sequence(Detector, "security_opt"));
        Assert.DoesNotContain(Mounts(Detector), m => m.Source.StartsWith('/') || m.Source.StartsWith('.')); // no host paths
    }

    [Fact]
    public void The_detector_writes_the_nginx_bans_into_a_volume_nginx_reads_where_the_server_block_includes_them()
    {
        var detectorEnv = Environment(Detector);
        Assert.Contains("nginx", detectorEnv["Detector__Enforcement__Firewall"].Split(['-', ':', ',', '}']));
        var directory = detectorEnv["Detector__Enforcement__Nginx__Directory"];
        var written = Mounts(Detector).Single(m => m.Target == directory);
        Assert.False(written.ReadOnly);
        Assert.Contains(written.Source, _compose.NamedVolumes);
        var read = Mounts(Nginx).Single(m => m.Source == written.Source);
        Assert.True(read.ReadOnly, "nginx only reads the bans");
        // The server block's includes are relative to /etc/nginx: detector-bans/… is that mount.
        Assert.Equal("/etc/nginx/detector-bans", read.Target);
        var serverBlock = File.ReadAllText(Repository.File(ShippedNginx.ServerBlock));
        Assert.Contains("include detector-bans/bans*.conf;", serverBlock);
        Assert.Contains("include detector-bans/deny*.conf;", serverBlock);
    }

    [Fact]
    public void The_detector_reloads_nginx_by_signal_through_its_shared_pid_file_and_process_namespace_without_a_shell()
    {
        var pidFile = Environment(Detector)["Detector__Enforcement__Nginx__PidFile"];
        var detectorRun = Mounts(Detector).Single(m => pidFile.StartsWith(m.Target + "/", StringComparison.Ordinal));
        Assert.True(detectorRun.ReadOnly);
        var nginxRun = Mounts(Nginx).Single(m => m.Source == detectorRun.Source);
        Assert.False(nginxRun.ReadOnly);
        Assert.Contains(nginxRun.Source, _compose.NamedVolumes);
        // The official image writes /run/nginx.pid (its /var/run is a link to /run): the detector reads that very file.
        Assert.Equal("/run/nginx.pid", nginxRun.Target + pidFile[detectorRun.Target.Length..]);
        // The pid in the file is the master's in Nginx's process namespace, which the detector joins.
        Assert.Equal("service:nginx", Scalar(Detector, "pid"));
        Assert.Contains("nginx", Sequence(Detector, "depends_on"));
        // No Docker socket, no exec into the nginx container.
        Assert.DoesNotContain(_compose.Services.Children.Values.OfType<YamlDotNet.RepresentationModel.YamlMappingNode>().SelectMany(Mounts),
            m => m.Source.Contains("docker.sock", StringComparison.Ordinal));
        Assert.False(Environment(Detector).ContainsKey("Detector__Enforcement__Nginx__ReloadCommand__0"));
    }

    [Fact]
    public void No_service_is_privileged()
    {
        foreach (var name in _compose.ServiceNames)
        {
            var privileged = Scalar(_compose.Service(name), "privileged");
            Assert.True(privileged is null or "false", $"{name} is privileged");
        }
        Assert.DoesNotMatch(@"(?m)^\s*privileged\s*:\s*true", _compose.Text);
    }

    [Fact]
    public void Secrets_come_only_from_the_env_file()
    {
        var env = Environment(Detector);
        Assert.Matches(EnvReference(), env["Detector__Slack__WebhookUrl"]);
        Assert.Matches(EnvReference(), env["Detector__Api__Token"]);

        foreach (var name in _compose.ServiceNames)
        foreach (var (key, value) in Environment(_compose.Service(name)))
        {
            if (!SecretKey().IsMatch(key)) continue;
            var reference = EnvReference().Match(value);
            Assert.True(reference.Success, $"{name}: {key} must be a ${{VAR}} from .env, not a literal");
            Assert.True(reference.Groups["default"].Value.Length == 0, $"{name}: {key} must not have a default value");
        }
        Assert.DoesNotContain("hooks.slack.com", _compose.Text);
    }

    [Fact]
    public void Every_variable_the_compose_file_reads_is_documented_in_env_example_without_a_secret()
    {
        var example = File.ReadAllLines(Repository.File(".env.example"))
            .Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        var used = VariableUse().Matches(_compose.Text).Select(m => m.Groups["name"].Value).Distinct();

        Assert.All(used, name => Assert.True(example.ContainsKey(name), $"{name} is used in docker-compose.yml but not in .env.example"));
        foreach (var (key, value) in example.Where(kv => SecretKey().IsMatch(kv.Key)))
            Assert.True(value.Length == 0, $".env.example must not carry a value for {key}");
        Assert.Contains(".env", File.ReadAllLines(Repository.File(".gitignore")));
    }

    [Fact]
    public void The_detector_is_health_checked_on_its_loopback_healthz()
    {
        var check = Map(Detector, "healthcheck");
        var test = Sequence(check, "test");
        Assert.Equal("CMD", test[0]);
        Assert.Contains(test, a => a == "http://127.0.0.1:8080/healthz");
        Assert.Equal("http://127.0.0.1:8080", Environment(Detector)["Detector__Http__Url"]);
        Assert.NotNull(Scalar(check, "interval"));
        Assert.NotNull(Scalar(check, "retries"));
    }

    [Fact]
    public void Every_service_restarts_unless_stopped()
    {
        foreach (var name in _compose.ServiceNames)
            Assert.True(Scalar(_compose.Service(name), "restart") is "unless-stopped" or "always", $"{name} has no restart policy");
    }

    [Fact]
    public void The_detector_is_built_from_the_shipped_dockerfile_with_the_repository_as_context()
    {
        var build = Map(Detector, "build");
        Assert.Equal(".", Scalar(build, "context"));
        Assert.Equal("deploy/detector/Dockerfile", Scalar(build, "dockerfile"));
        Assert.True(File.Exists(Repository.File(Scalar(build, "dockerfile")!)));
        Assert.Contains("IPTABLES", Map(build, "args").Children.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public async Task Docker_compose_accepts_the_file_with_the_example_env_filled_in()
    {
        var compose = ComposeCommand();
        if (compose is null)
            Assert.Skip("neither `docker compose` nor `docker-compose` works here (./test.sh installs docker-compose when run as root)");

        var env = Path.GetTempFileName();
        try
        {
            // Every empty value of .env.example filled, as an operator would.
            File.WriteAllLines(env, File.ReadAllLines(Repository.File(".env.example"))
                .Select(l => l.EndsWith('=') ? l + "filled-in" : l));
            var (code, output) = await RunAsync(compose.Value.File, [.. compose.Value.Args, "--env-file", env, "-f", Repository.File(RelativePath), "config"]);
            Assert.True(code == 0, output);
            Assert.Contains("network_mode: host", output);
            Assert.Contains("Detector__Api__Token: filled-in", output);

            // Without the token compose refuses to start, naming the variable.
            File.WriteAllLines(env, File.ReadAllLines(Repository.File(".env.example"))
                .Select(l => l.EndsWith('=') && !l.StartsWith("Detector__Api__Token", StringComparison.Ordinal) ? l + "filled-in" : l));
            (code, output) = await RunAsync(compose.Value.File, [.. compose.Value.Args, "--env-file", env, "-f", Repository.File(RelativePath), "config", "-q"]);
            Assert.NotEqual(0, code);
            Assert.Contains("Detector__Api__Token", output);
        }
        finally
        {
            File.Delete(env);
        }
    }

    private static (string File, string[] Args)? ComposeCommand()
    {
        if (Probe("docker", "compose", "version")) return ("docker", ["compose"]);
        if (Probe("docker-compose", "version")) return ("docker-compose", []);
        return null;

        static bool Probe(string file, params string[] args)
        {
            try { return RunAsync(file, args).GetAwaiter().GetResult().ExitCode == 0; }
            catch (System.ComponentModel.Win32Exception) { return false; }
        }
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?::?\?)[^}]*|:?-(?<default>[^}]*))?\}$")]
    private static partial Regex EnvReference();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariableUse();

    [GeneratedRegex("password|token|secret|webhook|apikey|api_key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"include\s+detector/(?<file>[^;\s]+)\s*;")]
    private static partial Regex IncludeDetector();
}

using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>deploy/logrotate/nginx-detector: rename-and-create with an Nginx reopen, alongside the distribution's rotation.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LogrotateSpecs : IDisposable
{
    private const string Snippet = "deploy/logrotate/nginx-detector";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-logrotate-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Logrotate()
    {
        var binary = new[] { "/usr/sbin/logrotate", "/usr/bin/logrotate" }.FirstOrDefault(File.Exists);
        if (binary is null) Assert.Skip("logrotate is not installed (./test.sh installs it when run as root)");
        return binary;
    }

    [Fact]
    public void It_renames_and_creates_then_has_nginx_reopen_and_rotates_the_log_the_detector_reads()
    {
        var text = File.ReadAllText(Repository.File(Snippet));
        var directives = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Contains("create 0640 www-data adm", directives);
        Assert.Contains("delaycompress", directives);
        Assert.Contains("sharedscripts", directives);
        Assert.DoesNotContain("copytruncate", directives);
        Assert.Contains("kill -USR1", text);
        var log = ShippedNginx.ShippedAccessLogPath();
        Assert.StartsWith(Path.GetDirectoryName(log) + "/*.log {", text.Split('\n').First(l => l.Length > 0 && !l.StartsWith('#')));
    }

    [Fact]
    public async Task Logrotate_accepts_it_next_to_the_distributions_nginx_rotation()
    {
        var logrotate = Logrotate();
        var config = Path.Combine(_dir.FullName, "logrotate.conf");
        var includes = new List<string> { $"include {Repository.File(Snippet)}" };
        if (File.Exists("/etc/logrotate.d/nginx")) includes.Insert(0, "include /etc/logrotate.d/nginx");
        File.WriteAllLines(config, includes);

        var (code, output) = await ComposeFileSpecs.RunAsync(logrotate, ["-d", "-s", Path.Combine(_dir.FullName, "state"), config]);

        Assert.True(code == 0, output);
        Assert.DoesNotContain(output.Split('\n'), l => l.StartsWith("error", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("rotating pattern: /var/log/nginx/detector/*.log", output);
    }

    [Fact]
    public async Task A_forced_rotation_leaves_the_old_lines_in_dot_1_and_a_fresh_file_for_nginx()
    {
        var logrotate = Logrotate();
        if (Environment.UserName != "root") Assert.Skip("logrotate's create www-data:adm needs root");
        var logs = Directory.CreateDirectory(Path.Combine(_dir.FullName, "logs"));
        var log = Path.Combine(logs.FullName, "access.json.log");
        File.WriteAllText(log, "{\"remote_addr\":\"203.0.113.9\"}\n");
        var reopened = Path.Combine(_dir.FullName, "reopened");
        // The shipped stanza with only its path and its postrotate command (kill -USR1 nginx) swapped.
        var shipped = File.ReadAllText(Repository.File(Snippet));
        var config = shipped
            .Replace("/var/log/nginx/detector/*.log {", $"{logs.FullName}/*.log {{")
            .Replace("if [ -s /run/nginx.pid ]; then kill -USR1 \"$(cat /run/nginx.pid)\"; fi", $"touch {reopened}");
        Assert.NotEqual(shipped, config);
        var file = Path.Combine(_dir.FullName, "nginx-detector");
        File.WriteAllText(file, config);

        var (code, output) = await ComposeFileSpecs.RunAsync(logrotate, ["-f", "-s", Path.Combine(_dir.FullName, "state"), file]);

        Assert.True(code == 0, output);
        Assert.Equal("{\"remote_addr\":\"203.0.113.9\"}\n", File.ReadAllText(log + ".1")); // delaycompress: not yet gzipped
        Assert.Equal(0, new FileInfo(log).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(log));
        Assert.True(File.Exists(reopened), "postrotate (Nginx reopen) did not run");
    }
}

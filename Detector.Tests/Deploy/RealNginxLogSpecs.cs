using System.Diagnostics;
using System.Net;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>Real Nginx, configured with the shipped log format, writes lines the parser reads field for field.</summary>
public sealed class RealNginxLogSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-nginx-");
    private Process? _nginx;

    public void Dispose()
    {
        if (_nginx is { HasExited: false }) _nginx.Kill(entireProcessTree: true);
        _nginx?.Dispose();
        _dir.Delete(recursive: true);
    }

    private static string? NginxBinary() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return process.ExitCode;
    }

    [Fact]
    public async Task Nginx_with_the_shipped_format_writes_lines_the_parser_reads_exactly()
    {
        var nginx = NginxBinary();
        if (nginx is null) Assert.Skip("nginx is not installed (./test.sh installs nginx-light when run as root)");

        var port = Ports.Free();
        var root = _dir.FullName;
        var log = Path.Combine(root, "access.log");
        var conf = Path.Combine(root, "nginx.conf");
        File.WriteAllText(conf, $$"""
            daemon off;
            master_process off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log;
            events {}
            http {
                include {{Repository.File("deploy/nginx/detector-log-format.conf")}};
                access_log {{log}} detector_json;
                client_body_temp_path {{root}}/body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / { return 200 "ok"; }
                    location /missing { return 404; }
                }
            }
            """);
        Assert.Equal(0, await RunAsync(nginx, "-t", "-p", root, "-c", conf));

        var start = new ProcessStartInfo(nginx);
        foreach (var a in new[] { "-p", root, "-c", conf }) start.ArgumentList.Add(a);
        _nginx = Process.Start(start);

        const string agent = "Mozilla/5.0 \"quoted\" <img src=x onerror=alert(1)> \\ back\\slash";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", agent);
        await Eventually.True(() =>
        {
            try { return http.GetAsync("/index.php/apps/files/?dir=/Photos&x=%22").Result.StatusCode == HttpStatusCode.OK; }
            catch (AggregateException) { return false; }
        }, TimeSpan.FromSeconds(10), "nginx to answer");
        await http.GetAsync("/missing/wp-login.php", TestContext.Current.CancellationToken);

        var lines = await Eventually.Until(
            () => File.Exists(log) && File.ReadAllLines(log) is { Length: >= 2 } l ? l : null,
            TimeSpan.FromSeconds(10), "two access-log lines");

        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);
        Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(lines[^2]), out var ok), lines[^2]);
        Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(lines[^1]), out var missing), lines[^1]);

        Assert.Equal(IpKey.Parse("127.0.0.1"), ok.Ip);
        Assert.Equal("GET", ok.Method);
        Assert.Equal("/index.php/apps/files/?dir=/Photos&x=%22", ok.Path);
        Assert.Equal(200, ok.Status);
        Assert.Equal(agent, ok.UserAgent);
        Assert.InRange(ok.TimeMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(404, missing.Status);
        Assert.Equal(0, counters.MalformedTotal);
    }
}

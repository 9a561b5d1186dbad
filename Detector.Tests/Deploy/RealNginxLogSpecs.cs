using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Tests.Support;
using Detector.Domain;

namespace Detector.Tests.Deploy;

/// <summary>
/// Real Nginx running the shipped Nextcloud server block (deploy/nginx/, see <see cref="ShippedNginx"/>) in
/// front of a stand-in php-fpm writes lines the parser reads field for field: if the log format and the
/// parser's expectations drift apart, this fails.
/// </summary>
public sealed partial class RealNginxLogSpecs : IAsyncDisposable
{
    private const string Agent = "Mozilla/5.0 \"quoted\" <img src=x onerror=alert(1)> \\ back\\slash";
    private readonly FakePhpFpm _php = new();
    private ShippedNginx? _nginx;

    public async ValueTask DisposeAsync()
    {
        _nginx?.Dispose();
        await _php.DisposeAsync();
    }

    private async Task<(HttpClient Http, ShippedNginx Nginx)> StartAsync()
    {
        ShippedNginx.RequireBinary();
        var nginx = _nginx = new ShippedNginx(Ports.Free(), _php.Port);
        File.WriteAllText(Path.Combine(nginx.DocumentRoot, "index.php"), "<?php // stand-in; the fake php-fpm answers");
        File.WriteAllText(Path.Combine(nginx.DocumentRoot, "robots.txt"), "User-agent: *\nDisallow: /\n");
        nginx.Start();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{nginx.Port}"),
        };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Agent);
        await Eventually.True(() =>
        {
            try { return http.GetAsync("/robots.txt").Result.StatusCode == HttpStatusCode.OK; }
            catch (AggregateException) { return false; }
        }, TimeSpan.FromSeconds(10), "nginx to answer");
        return (http, nginx);
    }

    /// <summary>The log lines from the first request for <paramref name="first"/> to the first for <paramref name="last"/>.</summary>
    private static async Task<string[]> LogLinesAsync(ShippedNginx nginx, string first, string last)
    {
        static int IndexOf(string[] lines, string uri) =>
            Array.FindIndex(lines, l => l.Contains($"\"request_uri\":\"{uri}\"", StringComparison.Ordinal));
        var lines = await Eventually.Until(
            () => File.Exists(nginx.AccessLog) && File.ReadAllLines(nginx.AccessLog) is { } l && IndexOf(l, last) >= 0 ? l : null,
            TimeSpan.FromSeconds(10), $"the access-log line for {last}");
        return lines[IndexOf(lines, first)..(IndexOf(lines, last) + 1)];
    }

    [Fact]
    public async Task Nginx_with_the_shipped_server_block_writes_lines_the_parser_reads_exactly()
    {
        var (http, nginx) = await StartAsync();
        using var _ = http;
        var ct = TestContext.Current.CancellationToken;

        var files = await http.GetAsync("/index.php/apps/files/?dir=/Photos&x=%22", ct);
        var probe = await http.GetAsync("/apps/missing/wp-login.php", ct);
        var carddav = await http.GetAsync("/.well-known/carddav", ct);
        var data = await http.GetAsync("/data/nextcloud.log", ct);

        Assert.Equal(HttpStatusCode.OK, files.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Equal(HttpStatusCode.MovedPermanently, carddav.StatusCode);
        Assert.Equal("/remote.php/dav/", carddav.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, data.StatusCode);

        var lines = await LogLinesAsync(nginx, "/index.php/apps/files/?dir=/Photos&x=%22", "/data/nextcloud.log");
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);
        var entries = lines.Select(line =>
        {
            Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(line), out var entry), line);
            return entry;
        }).ToList();

        Assert.All(entries, e => Assert.Equal(IpKey.Parse("127.0.0.1"), e.Ip));
        Assert.All(entries, e => Assert.Equal("GET", e.Method));
        Assert.All(entries, e => Assert.Equal(Agent, e.UserAgent));
        Assert.All(entries, e => Assert.InRange(e.TimeMs,
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Assert.Equal(
            ["/index.php/apps/files/?dir=/Photos&x=%22", "/apps/missing/wp-login.php", "/.well-known/carddav", "/data/nextcloud.log"],
            entries.Select(e => e.Path));
        Assert.Equal([200, 404, 301, 404], entries.Select(e => e.Status));
        Assert.Equal(0, counters.MalformedTotal);
    }

    [Fact]
    public async Task Every_field_of_the_shipped_log_format_is_written_and_no_other()
    {
        var (http, nginx) = await StartAsync();
        using var _ = http;
        await http.GetAsync("/index.php/login", TestContext.Current.CancellationToken);

        var line = (await LogLinesAsync(nginx, "/index.php/login", "/index.php/login")).Single();
        using var json = JsonDocument.Parse(line);
        var written = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var declared = FormatField().Matches(File.ReadAllText(Repository.File(ShippedNginx.LogFormat)))
            .Select(m => m.Groups["name"].Value).ToList();

        Assert.Equal(declared, written);
        Assert.All(json.RootElement.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
    }

    [Fact]
    public async Task Requests_reach_php_fpm_as_Nextcloud_expects_them()
    {
        var (http, _) = await StartAsync();
        using var __ = http;
        await http.GetAsync("/index.php/apps/files/?dir=/Photos", TestContext.Current.CancellationToken);
        await http.GetAsync("/wp-login.php", TestContext.Current.CancellationToken);

        var requests = _php.Requests.ToList();
        var files = requests.Single(r => r["REQUEST_URI"].StartsWith("/index.php/apps/files", StringComparison.Ordinal));
        Assert.Equal("/index.php", files["SCRIPT_NAME"]);
        Assert.EndsWith("/www/index.php", files["SCRIPT_FILENAME"]);
        Assert.Equal("/apps/files/", files["PATH_INFO"]);
        Assert.Equal("true", files["front_controller_active"]);
        Assert.Equal("127.0.0.1", files["REMOTE_ADDR"]);
        // Unknown scripts go to the front controller.
        var probe = requests.Single(r => r["REQUEST_URI"] == "/wp-login.php");
        Assert.Equal("/index.php", probe["SCRIPT_NAME"]);
        Assert.Equal("/wp-login.php", probe["PATH_INFO"]);
    }

    [Fact]
    public async Task A_client_cannot_choose_its_logged_address_with_X_Forwarded_For()
    {
        var (http, nginx) = await StartAsync();
        using var _ = http;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/index.php/login");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Real-IP", "203.0.113.10");
        await http.SendAsync(request, TestContext.Current.CancellationToken);

        var line = (await LogLinesAsync(nginx, "/index.php/login", "/index.php/login")).Single();
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(line), out var entry), line);
        Assert.Equal(IpKey.Parse("127.0.0.1"), entry.Ip);
    }

    [GeneratedRegex(@"'""(?<name>[a-z_0-9]+)"":")]
    private static partial Regex FormatField();
}

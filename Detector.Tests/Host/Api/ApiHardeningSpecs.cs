using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Detector.Host.Api;
using Detector.Tests.Support;

namespace Detector.Tests.Host.Api;

public sealed class ApiHardeningFixture : IAsyncLifetime
{
    public const string Token = "hardening-token";
    public const string AllowedHost = "detector.internal";

    public LiveDetector Detector { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Detector = await LiveDetector.StartAsync(Token, options => options.Api.AllowedHosts = [AllowedHost], sqliteLedger: true);
        await Detector.UntilAsync<StatusDto>("/api/status", s => s.Pipeline == "running", "the pipeline running");
    }

    public async ValueTask DisposeAsync() => await Detector.DisposeAsync();
}

/// <summary>
/// The daemon's HTTP surface against hostile or careless clients, over real HTTP on loopback: the token is checked
/// before a body is read, bodies are bounded, only known Host names are served, addresses are parsed strictly,
/// durations are bounded, log text is neutralised, and /healthz turns at once when the ledger cannot be written.
/// </summary>
public sealed class ApiHardeningSpecs(ApiHardeningFixture fixture) : IClassFixture<ApiHardeningFixture>
{
    private LiveDetector Detector => fixture.Detector;
    private HttpClient Http => fixture.Detector.Http;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Uri Url => new(Detector.Options.Http.Url);

    /// <summary>Sends raw bytes and reads what comes back until the server closes or <paramref name="timeout"/>.</summary>
    private async Task<string> RawAsync(string head, string? body = null, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Url.Host, Url.Port, Cancellation);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);
        if (body is not null) await stream.WriteAsync(Encoding.UTF8.GetBytes(body), Cancellation);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        wait.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        try
        {
            while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !answer.ToString().Contains('}'))
            {
                var read = await stream.ReadAsync(buffer, wait.Token);
                if (read == 0) break;
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            // No (complete) answer in time: the caller's assertion says what was missing.
        }
        return answer.ToString();
    }

    private static string Status(string rawResponse) => rawResponse.Split(' ', 3) is [_, var code, ..] ? code : "(no answer)";

    [Fact]
    public async Task An_unauthenticated_ban_is_refused_before_its_body_is_sent()
    {
        // 25 MB announced, not one byte of it sent: a server that read the body first would still be waiting.
        var answer = await RawAsync(
            $"POST /api/bans HTTP/1.1\r\nHost: 127.0.0.1:{Url.Port}\r\nContent-Type: application/json\r\nContent-Length: 26214400\r\n\r\n");

        Assert.Equal("401", Status(answer));
        Assert.Contains("bearer token is required", answer);
    }

    [Fact]
    public async Task An_authenticated_ban_with_an_oversized_body_is_413_whether_announced_or_chunked()
    {
        var announced = await RawAsync(
            $"POST /api/bans HTTP/1.1\r\nHost: 127.0.0.1:{Url.Port}\r\nAuthorization: Bearer {ApiHardeningFixture.Token}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n");
        Assert.Equal("413", Status(announced));

        var padding = new string(' ', 8000);
        var json = $"{{\"ip\": \"198.51.100.40\",{padding}\"durationSeconds\": 60}}";
        var chunk = json.Length.ToString("X", CultureInfo.InvariantCulture);
        var chunked = await RawAsync(
            $"POST /api/bans HTTP/1.1\r\nHost: 127.0.0.1:{Url.Port}\r\nAuthorization: Bearer {ApiHardeningFixture.Token}\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            $"{chunk}\r\n{json}\r\n0\r\n\r\n");
        Assert.Equal("413", Status(chunked));
        Assert.DoesNotContain((await Detector.GetAsync<BansDto>("/api/bans")).Bans, b => b.Ip == "198.51.100.40");
    }

    [Theory]
    [InlineData("evil.example", "400")]
    [InlineData("evil.example:8080", "400")]
    [InlineData("127.0.0.1.nip.io", "400")]
    [InlineData("localhost", "200")]
    [InlineData("127.0.0.1", "200")]
    [InlineData("127.1.2.3", "200")]
    [InlineData("[::1]", "200")]
    [InlineData(ApiHardeningFixture.AllowedHost, "200")]
    public async Task Only_loopback_and_configured_host_names_are_served(string host, string status)
    {
        var hostHeader = host.Contains(':') && !host.StartsWith('[') ? host : $"{host}:{Url.Port}";

        var answer = await RawAsync($"GET /api/status HTTP/1.1\r\nHost: {hostHeader}\r\nConnection: close\r\n\r\n");

        Assert.Equal(status, Status(answer));
        if (status == "400") Assert.DoesNotContain("uptimeSeconds", answer);
    }

    [Fact]
    public async Task The_dashboard_is_not_served_to_a_foreign_host_either()
    {
        var answer = await RawAsync($"GET / HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n");

        Assert.Equal("400", Status(answer));
        Assert.DoesNotContain("<html", answer, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiHardeningFixture.Token);
        return await Http.SendAsync(request, Cancellation);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("10.1")]
    [InlineData("1")]
    [InlineData("1.2.3")]
    [InlineData("0x7f.0.0.1")]
    public async Task Addresses_are_parsed_as_strictly_as_the_CLI_does(string ip)
    {
        var ban = await SendAsync(HttpMethod.Post, "/api/bans", Json($"{{\"ip\": \"{ip}\", \"durationSeconds\": 60}}"));
        var unban = await SendAsync(HttpMethod.Delete, $"/api/bans/{Uri.EscapeDataString(ip)}");
        var lookup = await Http.GetAsync($"/api/ips/{Uri.EscapeDataString(ip)}", Cancellation);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (ban.StatusCode, unban.StatusCode, lookup.StatusCode));
        Assert.Contains("four decimal numbers", (await ban.Content.ReadFromJsonAsync<ErrorDto>(Cancellation))!.Error);
        Assert.False(global::Detector.Host.Verbs.BanCommands.TryParseAddress(ip, out _));
    }

    [Theory]
    [InlineData("922337203685")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775808")]
    [InlineData("315360001")]
    [InlineData("0")]
    [InlineData("1e30")]
    [InlineData("99999999999999999999999")]
    [InlineData("12.5")]
    public async Task Out_of_range_or_malformed_durations_are_400_and_leave_the_ban_list_readable(string duration)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/bans", Json($"{{\"ip\": \"198.51.100.41\", \"durationSeconds\": {duration}}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await response.Content.ReadFromJsonAsync<ErrorDto>(Cancellation))!.Error);
        var bans = await Http.GetAsync("/api/bans", Cancellation);
        Assert.Equal(HttpStatusCode.OK, bans.StatusCode);
        Assert.DoesNotContain((await bans.Content.ReadFromJsonAsync<BansDto>(ApiJson.Options, Cancellation))!.Bans, b => b.Ip == "198.51.100.41");
    }

    [Fact]
    public async Task The_longest_allowed_duration_is_accepted_and_listed()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/bans", Json("{\"ip\": \"198.51.100.42\", \"durationSeconds\": 315360000}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = Assert.Single((await Detector.GetAsync<BansDto>("/api/bans")).Bans, b => b.Ip == "198.51.100.42");
        Assert.InRange(listed.RemainingSeconds!.Value, 315_359_000, 315_360_000);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, "/api/bans/198.51.100.42")).StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("127.0.0.1", "loopback")]
    public async Task A_ban_of_an_address_that_is_never_banned_is_a_400_with_the_reason(string ip, string why)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/bans", Json($"{{\"ip\": \"{ip}\"}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, (await response.Content.ReadFromJsonAsync<ErrorDto>(Cancellation))!.Error);
        await Detector.UntilAsync<AuditDto>("/api/audit",
            a => a.Events.Any(e => e.Action == "BAN_REFUSED" && e.Subject == ip && e.Condition == "manual"), "the refusal audited");
        Assert.Matches(@"detector_bans_refused_total [1-9]", await Http.GetStringAsync("/metrics", Cancellation));
    }

    [Fact]
    public async Task Bidi_and_line_separator_characters_from_the_log_reach_the_API_as_visible_codes()
    {
        const string ip = "198.51.100.43";
        await Detector.AppendAsync([LiveDetector.Line(DateTimeOffset.UtcNow, ip, "GET", "/files/\u202Egnp.exe", 200, "agent\u2028BAN 203.0.113.1\u2029")]);

        var detail = await Detector.UntilAsync<IpDto>($"/api/ips/{ip}", d => d.RecentPaths.Count > 0, "the IP's recent paths", 90);

        Assert.Equal("/files/\\u202Egnp.exe", Assert.Single(detail.RecentPaths));
        Assert.Equal("agent\\u2028BAN 203.0.113.1\\u2029", Assert.Single(detail.RecentAgents));
    }
}

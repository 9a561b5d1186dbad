using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Detector.Host.Api;
using Detector.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Detector.Domain;
using Detector.Configuration;

namespace Detector.Tests.Host.Api;

/// <summary>A daemon fed a few seconds of live traffic with one flooding IP (banned) and one malformed line.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string Token = "s3cret-operator-token";

    public LiveDetector Detector { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Detector = await LiveDetector.StartAsync(Token);
        await Detector.AppendAsync(["{\"remote_addr\": \"198.51.100.1\", \"status\": "]);
        await Detector.WriteTrafficAsync(seconds: 4, floodPerSecond: 100);
        await Detector.UntilAsync<BansDto>("/api/bans", b => b.Bans.Any(x => x.Ip == LiveDetector.Flooder), "the flooder's ban");
        await Detector.UntilAsync<StatusDto>("/api/status", s => s.Lines == Detector.LinesWritten, "every written line read");
    }

    public async ValueTask DisposeAsync() => await Detector.DisposeAsync();
}

public sealed class ApiSpecs(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private LiveDetector Detector => fixture.Detector;
    private HttpClient Http => fixture.Detector.Http;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_reports_lines_malformed_rate_baseline_bans_and_process_figures()
    {
        var status = await Detector.GetAsync<StatusDto>("/api/status");

        Assert.Equal(Detector.LinesWritten, status.Lines);
        Assert.Equal(1, status.Malformed["invalid_json"]);
        Assert.Equal("running", status.Pipeline);
        Assert.NotNull(status.EventTime);
        Assert.InRange(status.LagSeconds!.Value, 0, 30);
        Assert.True(status.GlobalRate > 0, "global rate");
        Assert.True(status.Baseline.Mean > 0, "effective baseline (floors before warm-up)");
        Assert.False(status.Baseline.Warm);
        Assert.True(status.ActiveBans >= 1);
        Assert.True(status.MemoryMb > 10, "resident memory");
        Assert.True(status.CpuPercent >= 0);
        Assert.True(status.UptimeSeconds > 0);
        Assert.Equal(FirewallBackend.DryRun.Name(), status.Firewall.Backend);
    }

    [Fact]
    public async Task Ip_is_answered_by_its_entity_and_the_ledger()
    {
        var ip = await Detector.GetAsync<IpDto>($"/api/ips/{LiveDetector.Flooder}");

        Assert.Equal(LiveDetector.Flooder, ip.Ip);
        Assert.True(ip.WindowRequests >= 100, $"window requests {ip.WindowRequests}");
        Assert.Equal(ip.WindowRequests, ip.WindowErrors);
        Assert.Equal(1.0, ip.ErrorShare);
        Assert.NotNull(ip.LastVerdict);
        Assert.Contains("/login", ip.RecentPaths);
        Assert.Contains("flood-bot/1.0", ip.RecentAgents);
        Assert.NotNull(ip.Offender);
        Assert.True(ip.Offender!.Banned);
        Assert.Equal(1, ip.Offender.Offences);
    }

    [Fact]
    public async Task Ip_that_is_not_an_address_is_a_400_and_an_unknown_one_a_404()
    {
        var bad = await Http.GetAsync("/api/ips/not-an-ip", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not an IP address", (await bad.Content.ReadFromJsonAsync<ErrorDto>(Cancellation))!.Error);

        var unknown = await Http.GetAsync("/api/ips/192.0.2.200", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("192.0.2.200", (await unknown.Content.ReadFromJsonAsync<ErrorDto>(Cancellation))!.Error);
    }

    [Fact]
    public async Task Bans_show_tier_and_remaining_time_in_event_time()
    {
        var bans = await Detector.GetAsync<BansDto>("/api/bans");

        var ban = Assert.Single(bans.Bans, b => b.Ip == LiveDetector.Flooder);
        Assert.Equal(1, ban.Offence);
        Assert.False(ban.Permanent);
        Assert.StartsWith("ip_", ban.Condition);
        var bannedAt = DateTimeOffset.Parse(ban.BannedAt);
        var expiresAt = DateTimeOffset.Parse(ban.ExpiresAt!);
        Assert.Equal(TimeSpan.FromMinutes(10), expiresAt - bannedAt);
        Assert.InRange(ban.RemainingSeconds!.Value, 500, 600);
    }

    [Fact]
    public async Task Top_lists_the_busiest_ips_of_the_last_minute()
    {
        var top = await Detector.GetAsync<TopDto>("/api/top?n=5");

        Assert.InRange(top.Top.Count, 2, 5);
        var first = top.Top[0];
        Assert.Equal(LiveDetector.Flooder, first.Ip);
        Assert.True(first.Banned);
        Assert.Equal(first.Requests, first.Errors);
        Assert.Equal(first.Requests / 60.0, first.Rate, 3);
        Assert.All(top.Top.Skip(1), t => Assert.StartsWith("198.51.100.", t.Ip));
        Assert.True(top.Top.Zip(top.Top.Skip(1)).All(p => p.Item1.Requests >= p.Item2.Requests), "ordered by requests");
    }

    [Fact]
    public async Task Audit_returns_recent_events_since_a_time()
    {
        var audit = await Detector.GetAsync<AuditDto>("/api/audit");
        var ban = Assert.Single(audit.Events, e => e.Action == "BAN" && e.Subject == LiveDetector.Flooder);
        Assert.Equal($"[{ban.At}] BAN {LiveDetector.Flooder} | {ban.Condition} | {ban.Rate:F1} req/s | {ban.Baseline} | 600s", ban.Line);

        var since = DateTimeOffset.Parse(ban.At);
        var fromBan = await Detector.GetAsync<AuditDto>($"/api/audit?since={Uri.EscapeDataString(ban.At)}");
        Assert.Contains(fromBan.Events, e => e.Line == ban.Line);
        Assert.All(fromBan.Events, e => Assert.True(DateTimeOffset.Parse(e.At) >= since));

        var later = await Detector.GetAsync<AuditDto>($"/api/audit?since={Uri.EscapeDataString(since.AddHours(1).ToString("O"))}");
        Assert.Empty(later.Events);

        var bad = await Http.GetAsync("/api/audit?since=yesterday-ish", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Series_holds_one_point_per_second_with_the_baseline_band()
    {
        var series = await Detector.GetAsync<SeriesDto>("/api/series");

        Assert.InRange(series.Points.Count, 3, 1800);
        var times = series.Points.Select(p => DateTimeOffset.Parse(p.T)).ToList();
        Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Item2 - p.Item1));
        Assert.All(series.Points, p => Assert.True(p.Lower <= p.Mean && p.Mean <= p.Upper, $"band {p.Lower} ≤ {p.Mean} ≤ {p.Upper}"));
        Assert.Contains(series.Points, p => p.Rate > 0);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_the_detector_figures()
    {
        var response = await Http.GetAsync("/metrics", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Matches(@"(?m)^detector_log_lines_total \d+$", text);
        Assert.Matches(@"(?m)^detector_log_rotations_total 0$", text);
        Assert.Matches(@"(?m)^detector_log_truncations_total 0$", text);
        Assert.Contains("detector_log_malformed_total{reason=\"invalid_json\"} 1", text);
        Assert.Matches(@"(?m)^detector_bans_total\{tier=""1"",rule=""ip_[^""]+""\} 1$", text);
        Assert.Matches(@"(?m)^detector_active_bans [1-9]\d*$", text);
        Assert.Matches(@"(?m)^detector_processing_lag_seconds [\d.eE+-]+$", text);
        foreach (var name in new[] { "detector_firewall_set_size", "detector_reconcile_drift", "detector_webhook_failures_total", "detector_global_rate", "process_working_set_bytes" })
            Assert.Matches($"(?m)^{name} ", text);
    }

    [Fact]
    public async Task Healthz_is_ok_and_the_host_listens_only_where_configured()
    {
        var health = await Http.GetAsync("/healthz", Cancellation);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var addresses = Detector.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Equal([Detector.Options.Http.Url], addresses);
    }

    [Fact]
    public async Task Dashboard_and_its_chart_library_are_served_by_the_host()
    {
        var page = await Http.GetAsync("/", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("rate-chart", await page.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        var chart = await Http.GetAsync("/lib/chart.umd.min.js", Cancellation);
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Contains("Chart", await chart.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Mutations_without_the_right_token_are_refused()
    {
        JsonContent Body() => JsonContent.Create(new BanRequest("198.51.100.200", 60), options: ApiJson.Options);

        var missing = await Http.PostAsync("/api/bans", Body(), Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/bans") { Content = Body() };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(wrong, Cancellation)).StatusCode);

        using var wrongDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/bans/{LiveDetector.Flooder}");
        wrongDelete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(wrongDelete, Cancellation)).StatusCode);

        var bans = await Detector.GetAsync<BansDto>("/api/bans");
        Assert.DoesNotContain(bans.Bans, b => b.Ip == "198.51.100.200");
        Assert.Contains(bans.Bans, b => b.Ip == LiveDetector.Flooder);
    }

    [Fact]
    public async Task Manual_ban_and_unban_with_the_token_show_in_bans_audit_and_metrics()
    {
        const string ip = "198.51.100.250";
        var ban = await SendAsync(HttpMethod.Post, "/api/bans", new BanRequest(ip, 120));
        Assert.Equal(HttpStatusCode.OK, ban.StatusCode);
        Assert.True((await ban.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation))!.Changed);

        var again = await SendAsync(HttpMethod.Post, "/api/bans", new BanRequest(ip, 120));
        Assert.False((await again.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation))!.Changed);

        var listed = Assert.Single((await Detector.GetAsync<BansDto>("/api/bans")).Bans, b => b.Ip == ip);
        Assert.Equal("manual", listed.Condition);
        Assert.InRange(listed.RemainingSeconds!.Value, 100, 120);
        await Detector.UntilAsync<AuditDto>("/api/audit", a => a.Events.Any(e => e.Action == "BAN" && e.Subject == ip && e.Duration == "120s"), "the manual BAN in the audit");
        await Eventually.UntilAsync(async () =>
        {
            var metrics = await Http.GetStringAsync("/metrics", Cancellation);
            return metrics.Contains("detector_bans_total{tier=\"1\",rule=\"manual\"} 1") ? metrics : null;
        }, TimeSpan.FromSeconds(10), "the manual ban counted in /metrics");

        var unban = await SendAsync(HttpMethod.Delete, $"/api/bans/{ip}", null);
        Assert.Equal(HttpStatusCode.OK, unban.StatusCode);
        Assert.True((await unban.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation))!.Changed);
        Assert.DoesNotContain((await Detector.GetAsync<BansDto>("/api/bans")).Bans, b => b.Ip == ip);
        await Detector.UntilAsync<AuditDto>("/api/audit", a => a.Events.Any(e => e.Action == "UNBAN" && e.Subject == ip && e.Condition == "manual"), "the manual UNBAN in the audit");

        var notBanned = await SendAsync(HttpMethod.Delete, $"/api/bans/{ip}", null);
        Assert.False((await notBanned.Content.ReadFromJsonAsync<ManualActionDto>(Cancellation))!.Changed);
    }

    [Fact]
    public async Task Manual_ban_rejects_a_bad_address_or_duration()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/bans", new BanRequest("300.1.2.3", null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/bans", new BanRequest("198.51.100.251", 0))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Delete, "/api/bans/not-an-ip", null)).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, BanRequest? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: ApiJson.Options);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.Token);
        return await Http.SendAsync(request, Cancellation);
    }
}

using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Firewall.Cloudflare;

namespace Detector.Tests.Enforcement.Firewall.Cloudflare;

/// <summary>The cloudflare backend against a real HTTP server implementing the documented Lists API contract
/// (<see cref="CloudflareListsServer"/>); never the real service. Waits (Retry-After, operation polls) are recorded,
/// not slept.</summary>
public sealed class CloudflareContractSpecs : IAsyncLifetime
{
    private const long Now = 1_780_000_000;
    private CloudflareListsServer _server = null!;
    private readonly List<TimeSpan> _waits = [];
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync() => _server = await CloudflareListsServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private CloudflareListFirewall Backend(string token = CloudflareListsServer.Token, int maxItems = 10_000, int pageSize = 500) =>
        new(new CloudflareApi(_http,
            new CloudflareSettings(_server.ApiUrl, CloudflareListsServer.AccountId, CloudflareListsServer.ListId, token)
            {
                MaxItems = maxItems,
                PageSize = pageSize,
            },
            (wait, _) => { _waits.Add(wait); return Task.CompletedTask; }));

    private static BanTarget Target(string text) => BanTarget.TryParse(text, out var target) ? target : throw new FormatException(text);

    private static DesiredBan Ban(string ip, long? expiresAt) => new(IpKey.Parse(ip), expiresAt);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bans_told_between_flushes_are_written_in_one_request_with_a_comment_saying_how_long()
    {
        var backend = Backend();
        await backend.PrepareAsync(Ct);

        await backend.BanAsync(Target("203.0.113.9"), TimeSpan.FromMinutes(10), Ct);
        await backend.BanAsync(Target("198.51.100.7"), null, Ct);
        await backend.BanAsync(Target("2001:db8:7::/64"), TimeSpan.FromHours(2), Ct);
        Assert.Empty(_server.Writes);
        await backend.FlushAsync(Ct);

        Assert.Single(_server.Writes);
        Assert.Equal(["198.51.100.7", "2001:db8:7::/64", "203.0.113.9"], _server.Ips);
        Assert.Contains("detector: ban for 600 s", _server.Comments);
        Assert.Contains("detector: permanent ban", _server.Comments);
        Assert.Equal($"Bearer {CloudflareListsServer.Token}", _server.Writes[0].Authorization);

        await backend.UnbanAsync(Target("203.0.113.9"), Ct);
        await backend.FlushAsync(Ct);
        Assert.Equal(["198.51.100.7", "2001:db8:7::/64"], _server.Ips);
        Assert.Equal("DELETE", _server.Writes[^1].Method);
    }

    [Fact]
    public async Task Reconcile_pages_through_the_list_and_makes_it_the_desired_set_removing_what_it_did_not_write()
    {
        _server.Seed("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "10.9.9.9");
        var backend = Backend(pageSize: 2);

        var result = await backend.ReconcileAsync(
            [Ban("192.0.2.1", Now + 600), Ban("192.0.2.3", null), Ban("203.0.113.50", Now + 60), Ban("203.0.113.51", Now - 5)], Now, Ct);

        Assert.Equal(["192.0.2.1", "192.0.2.3", "203.0.113.50"], _server.Ips);
        Assert.Equal((1, 3, 3), (result.Added, result.Removed, result.Size));
        Assert.Empty(result.Rejected);
        // Five items at two a page: three pages, each asked for with the cursor the previous one returned.
        var pages = _server.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/items", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pages.Count);
        Assert.Contains("cursor=c2", pages[1].RawTarget);
        Assert.Contains("cursor=c4", pages[2].RawTarget);
        Assert.Equal(["DELETE", "POST"], _server.Writes.Select(w => w.Method));

        var again = await backend.ReconcileAsync([Ban("192.0.2.1", Now + 600), Ban("192.0.2.3", null), Ban("203.0.113.50", Now + 60)], Now, Ct);
        Assert.Equal((0, 0, 3), (again.Added, again.Removed, again.Size));
        Assert.Equal(2, _server.Writes.Count);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_wait_its_Retry_After_asks_for()
    {
        var backend = Backend();
        _server.RetryAfterSeconds = 7;
        _server.Inject(429, 503);

        await backend.BanAsync(Target("203.0.113.9"), TimeSpan.FromMinutes(10), Ct);
        await backend.FlushAsync(Ct);

        Assert.Equal(["203.0.113.9"], _server.Ips);
        Assert.Equal(TimeSpan.FromSeconds(7), _waits[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), _waits[1]); // the 503 had no Retry-After: exponential backoff, second step
    }

    [Fact]
    public async Task A_pending_bulk_operation_is_polled_until_complete_and_the_next_write_waits_for_it()
    {
        var backend = Backend();
        _server.PendingPolls = 2;

        await backend.BanAsync(Target("203.0.113.9"), null, Ct);
        await backend.FlushAsync(Ct);
        await backend.UnbanAsync(Target("203.0.113.9"), Ct);
        await backend.FlushAsync(Ct);

        Assert.Empty(_server.Ips);
        var polls = _server.Requests.Count(r => r.Path.Contains("/bulk_operations/", StringComparison.Ordinal));
        Assert.Equal(6, polls); // two pending and one completed answer per operation
        Assert.All(_waits, w => Assert.Equal(TimeSpan.FromMilliseconds(500), w));
        Assert.Equal(4, _waits.Count);
    }

    [Fact]
    public async Task Over_the_item_limit_the_bans_expiring_soonest_are_left_out_and_each_is_reported()
    {
        var backend = Backend(maxItems: 3);

        var result = await backend.ReconcileAsync(
        [
            Ban("203.0.113.1", Now + 600), Ban("203.0.113.2", null), Ban("203.0.113.3", Now + 7200),
            Ban("203.0.113.4", Now + 60), Ban("203.0.113.5", Now + 1800),
        ], Now, Ct);

        Assert.Equal(["203.0.113.2", "203.0.113.3", "203.0.113.5"], _server.Ips);
        Assert.Equal(["203.0.113.4", "203.0.113.1"], result.Rejected.Select(r => r.Target.ToString()));
        Assert.All(result.Rejected, r => Assert.True(r.Adding));
        Assert.Contains("holds at most 3 items", result.Rejected[0].Reason);
    }

    [Fact]
    public async Task A_full_account_list_fails_the_flush_with_the_APIs_own_message_and_keeps_the_bans_for_the_next_one()
    {
        _server.MaxItems = 1;
        _server.Seed("192.0.2.1");
        var backend = Backend();

        await backend.BanAsync(Target("203.0.113.9"), null, Ct);
        var failure = await Assert.ThrowsAsync<CloudflareApiException>(() => backend.FlushAsync(Ct));
        Assert.Contains("HTTP 400", failure.Message);
        Assert.Contains("10021 exceeded maximum number of list items (1)", failure.Message);

        _server.MaxItems = 2;
        await backend.FlushAsync(Ct);
        Assert.Equal(["192.0.2.1", "203.0.113.9"], _server.Ips);
    }

    [Fact]
    public async Task A_rejected_token_fails_prepare_and_writes_naming_the_token_and_nothing_is_written()
    {
        var backend = Backend(token: "wrong");

        var failure = await Assert.ThrowsAsync<CloudflareApiException>(() => backend.PrepareAsync(Ct));
        Assert.Contains("HTTP 403 (check the API token and its permissions): 10000 Authentication error", failure.Message);
        await backend.BanAsync(Target("203.0.113.9"), null, Ct);
        await Assert.ThrowsAsync<CloudflareApiException>(() => backend.FlushAsync(Ct));
        Assert.Empty(_server.Ips);
        Assert.Empty(_waits); // 403 is not retried
    }

    [Fact]
    public async Task An_IPv6_target_narrower_than_a_64_is_refused_before_any_request()
    {
        var backend = Backend();

        var failure = await Assert.ThrowsAsync<CloudflareApiException>(() => backend.BanAsync(Target("2001:db8::1"), null, Ct));
        Assert.Contains("/64 or wider only", failure.Message);
        var result = await backend.ReconcileAsync([Ban("2001:db8::1", null), Ban("203.0.113.9", null)], Now, Ct);
        Assert.Equal(["203.0.113.9"], _server.Ips);
        Assert.Equal("2001:db8::1", Assert.Single(result.Rejected).Target.ToString());
    }

    [Fact]
    public void Without_a_token_the_options_name_the_key_to_set()
    {
        var options = new EnforcementOptions
        {
            Firewall = FirewallBackend.Cloudflare,
            Cloudflare = { AccountId = CloudflareListsServer.AccountId, ListId = CloudflareListsServer.ListId },
        };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Detector:Enforcement:Cloudflare:ApiToken is not set", error);

        options.Cloudflare.ApiToken = "t";
        options.Cloudflare.ListId = "../../zones";
        Assert.Contains("Detector:Enforcement:Cloudflare:ListId must be the IP list's id", Assert.Single(options.Validate()));
    }
}

/// <summary><c>doctor</c> reads the list with the configured token.</summary>
public sealed class CloudflareDoctorSpecs
{
    [Theory]
    [InlineData(CloudflareListsServer.Token, "kind ip, 2 item(s) of at most 10000", false)]
    [InlineData("revoked", "HTTP 403 (check the API token and its permissions)", true)]
    public async Task Doctor_reads_the_list_and_names_a_rejected_token_as_the_problem(string token, string expected, bool problem)
    {
        await using var server = await CloudflareListsServer.StartAsync();
        server.Seed("192.0.2.1", "192.0.2.2");
        var options = new CloudflareOptions
        {
            AccountId = CloudflareListsServer.AccountId, ListId = CloudflareListsServer.ListId, ApiToken = token, ApiUrl = server.ApiUrl.ToString(),
        };
        var report = new Detector.Host.Verbs.DoctorCommand.DoctorReport();

        await Detector.Host.Verbs.DoctorCommand.CheckCloudflareAsync(report, options, TestContext.Current.CancellationToken);

        var line = Assert.Single(report.Lines);
        Assert.Contains(expected, line.Text);
        Assert.Equal(problem, !report.CanEnforce);
    }
}

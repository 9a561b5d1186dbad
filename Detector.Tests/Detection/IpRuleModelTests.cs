using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.Detection;

/// <summary>The per-IP rules beyond the original two: client errors, sustained abuse, surge sources, the shared-address bar.</summary>
public class IpRuleModelTests
{
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private static readonly DetectionOptions Defaults = new();
    private static readonly Detector.Domain.BaselineSnapshot Baseline = Baselines.Ip(1, 2, errorRate: 0.03);

    private static string? Fire(IpEvidence evidence, DetectionOptions? options = null) =>
        IpRule.Evaluate(Ip, 1000, evidence, Baseline, options ?? Defaults)?.Condition;

    [Fact]
    public void Password_spraying_at_one_and_a_half_per_second_bans_on_its_own_401s()
    {
        // 45 s of spraying at 1.5 req/s: 67 requests, all 401.
        Assert.Equal("ip_auth_failures>=30/60s", Fire(new(new SecondCounts(67, 67, 67, 0))));
    }

    [Fact]
    public void A_revoked_app_password_retrying_a_few_times_a_minute_is_not_banned()
    {
        // Six retries a minute plus an OCS call now and then: 8 401s in the window, every request failing.
        Assert.Null(Fire(new(new SecondCounts(8, 8, 8, 0), new SecondCounts(80, 80, 80, 0))));
    }

    [Fact]
    public void Many_auth_failures_hidden_in_much_successful_traffic_are_not_a_client_error_ban()
    {
        // 40 failures among 100 requests (40 %): under the 50 % share.
        Assert.Null(Fire(new(new SecondCounts(100, 40, 40, 0, AppSuccesses: 60))));
    }

    [Fact]
    public void A_scanner_collecting_404s_is_banned_by_the_not_found_rule()
    {
        Assert.Equal("ip_not_found>=30/60s", Fire(new(new SecondCounts(32, 32, 0, 32))));
    }

    [Fact]
    public void Client_error_share_must_also_exceed_the_sites_own_error_rate_by_the_surge_multiplier()
    {
        var noisySite = Baselines.Ip(1, 2, errorRate: 0.3); // 3 × 0.3 = 90 % needed
        var window = new SecondCounts(40, 32, 32, 0);        // 80 %

        Assert.Null(IpRule.Evaluate(Ip, 1, new IpEvidence(window), noisySite, Defaults));
    }

    [Fact]
    public void Sustained_moderate_rate_over_ten_minutes_fires_the_sustained_rule()
    {
        // 2.5 req/s for the whole horizon and the last minute: far under the 60 s rules, over 1.5 req/s sustained.
        var evidence = new IpEvidence(new SecondCounts(150, 0, 0, 0), new SecondCounts(1500, 0, 0, 0), DistinctAgents: 1);

        Assert.Equal("ip_sustained>1.5/s_10m", Fire(evidence));
    }

    [Fact]
    public void A_short_burst_is_not_sustained_abuse()
    {
        // 3 req/s in the last minute but only 200 requests over ten minutes (0.33 req/s).
        Assert.Null(Fire(new(new SecondCounts(180, 0, 0, 0), new SecondCounts(200, 0, 0, 0))));
    }

    [Fact]
    public void A_site_surge_alone_bans_nobody_by_default_and_the_contributor_rule_can_be_switched_on()
    {
        var window = new SecondCounts(120, 0, 0, 0); // 2 req/s

        Assert.Null(Fire(new(window, window, 1, SiteSurge: true)));
        var contributors = new DetectionOptions { SurgeContributorRate = 1.0 };
        Assert.Equal("ip_surge_contributor>1.0/s", Fire(new(window, window, 1, SiteSurge: true), contributors));
        Assert.Null(Fire(new(window, window, 1, SiteSurge: false), contributors));
    }

    [Fact]
    public void An_address_sitting_on_one_or_two_paths_for_minutes_is_repetitive_whatever_its_rate()
    {
        // 0.5 req/s on /login and / for ten minutes: below every rate rule.
        var window = new SecondCounts(30, 0, 0, 0);
        var horizon = new SecondCounts(300, 0, 0, 0);

        Assert.Equal("ip_repetitive>=0.80_top2_10m", Fire(new(window, horizon, 1, HorizonPaths: 300, HorizonTopTwoPaths: 300)));
        // The same volume over many paths, too few requests, or many agents behind the address: not repetitive.
        Assert.Null(Fire(new(window, horizon, 1, HorizonPaths: 300, HorizonTopTwoPaths: 150)));
        Assert.Null(Fire(new(window, horizon, 1, HorizonPaths: 200, HorizonTopTwoPaths: 200)));
        Assert.Null(Fire(new(window, horizon, 6, HorizonPaths: 300, HorizonTopTwoPaths: 300)));
    }

    [Fact]
    public void A_flood_varying_only_its_query_is_repetitive_by_route()
    {
        // 2.6 req/s on one OCS endpoint with a changing query for ten minutes: every path distinct, one route.
        var window = new SecondCounts(156, 0, 0, 0, AppSuccesses: 156);
        var horizon = new SecondCounts(1_560, 0, 0, 0, AppSuccesses: 1_560);

        Assert.Equal("ip_repetitive_route>=0.90_top2_10m",
            Fire(new(window, horizon, 1, HorizonPaths: 1_560, HorizonTopTwoPaths: 2, HorizonTopTwoRoutes: 1_560)));
        Assert.Null(Fire(new(window, horizon, 1, HorizonPaths: 1_560, HorizonTopTwoPaths: 2, HorizonTopTwoRoutes: 1_200)));
        Assert.Null(Fire(new(window, horizon, 1, HorizonPaths: 500, HorizonTopTwoPaths: 2, HorizonTopTwoRoutes: 500)));
    }

    [Fact]
    public void Sustained_rate_alone_never_bans_an_address_that_looks_shared_and_legitimate()
    {
        // 8 req/s of successful WebDAV for ten minutes (a photo folder uploading): the shared bar is raised, and
        // the original rules' raised bar (20 req/s) is not crossed.
        var upload = new SecondCounts(480, 0, 0, 0, AppSuccesses: 480);
        Assert.Null(Fire(new(upload, new SecondCounts(4_800, 0, 0, 0, AppSuccesses: 4_800), 1)));

        // The same rate from a scripted client on ordinary pages is sustained abuse.
        var scripted = new SecondCounts(120, 0, 0, 0);
        Assert.Equal("ip_sustained>1.5/s_10m", Fire(new(scripted, new SecondCounts(1_200, 0, 0, 0), 1)));
    }

    [Fact]
    public void A_busy_webdav_client_with_successful_answers_gets_a_raised_bar()
    {
        // 6 req/s of successful PROPFIND/GET/PUT: the multiplier rule alone (5 req/s) would fire.
        var sync = new SecondCounts(360, 2, 0, 2, AppSuccesses: 358);

        Assert.Equal(8.0, IpRule.SharedBar(new IpEvidence(sync), Defaults)); // nearly all of it: a sync client's pace
        Assert.Equal(4.0, IpRule.SharedBar(new IpEvidence(sync with { AppSuccesses = 240 }), Defaults));
        Assert.Null(Fire(new(sync, sync)));
        Assert.Equal("ip_rate>5.0x_mean", Fire(new(sync), new DetectionOptions { SharedBarRaise = 1 }));
    }

    [Fact]
    public void Many_user_agents_raise_the_bar_further_up_to_the_maximum()
    {
        var office = new SecondCounts(300, 3, 0, 3, AppSuccesses: 60);

        Assert.Equal(1.0, IpRule.SharedBar(new IpEvidence(office, DistinctAgents: 3), Defaults));
        Assert.Equal(4.0, IpRule.SharedBar(new IpEvidence(office, DistinctAgents: 4), Defaults));
        Assert.Equal(6.0, IpRule.SharedBar(new IpEvidence(office, DistinctAgents: 6), Defaults));
        Assert.Equal(12.0, IpRule.SharedBar(new IpEvidence(office, DistinctAgents: 12), Defaults));
        Assert.Equal(16.0, IpRule.SharedBar(new IpEvidence(office, DistinctAgents: 40), Defaults));
    }

    [Fact]
    public void A_flood_of_failures_gets_no_shared_bar()
    {
        var flood = new SecondCounts(600, 300, 300, 0, AppSuccesses: 300);

        Assert.Equal(1.0, IpRule.SharedBar(new IpEvidence(flood, DistinctAgents: 10), Defaults));
    }

    [Fact]
    public void A_flood_far_above_even_the_raised_bar_is_banned_and_the_condition_says_the_bar_was_raised()
    {
        var flood = new SecondCounts(9000, 0, 0, 0, AppSuccesses: 9000); // 150 req/s of "WebDAV"

        Assert.Equal("ip_zscore>3.0+shared_bar", Fire(new(flood)));
    }

    [Fact]
    public void Every_new_rule_can_be_switched_off()
    {
        var off = new DetectionOptions { AuthFailureMinCount = 0, NotFoundMinCount = 0, SustainedRate = 0, SurgeContributorRate = 0 };

        Assert.Null(Fire(new(new SecondCounts(67, 67, 67, 0)), off));
        Assert.Null(Fire(new(new SecondCounts(32, 32, 0, 32)), off));
        Assert.Null(Fire(new(new SecondCounts(150, 0, 0, 0), new SecondCounts(1500, 0, 0, 0)), off));
        Assert.Null(Fire(new(new SecondCounts(120, 0, 0, 0), SiteSurge: true), off));
    }
}

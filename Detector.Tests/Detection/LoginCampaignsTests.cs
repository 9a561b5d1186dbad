using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;

namespace Detector.Tests.Detection;

/// <summary>The account rule and its combination with the access log, driven with explicit event times.</summary>
public sealed class LoginCampaignsTests
{
    private const long T0 = 1_777_460_000; // 2026-04-29, seconds
    private static readonly BaselineSnapshot Baseline = new(0, 2, 1, 1, 0.02, 1, 2, 0, "floor", false);
    private readonly DetectionOptions _options = new();

    private static LoginFailure Failure(long second, string ip, string account) => new(second * 1000, IpKey.Parse(ip), account);

    private static string V4(int i) => $"198.51.{100 + i / 250}.{1 + i % 250}";

    [Fact]
    public void An_account_tried_from_many_networks_each_once_raises_one_alert_naming_it()
    {
        var campaigns = new LoginCampaigns(_options);
        var alerts = new List<AccountAttacked>();
        // A botnet: one guess per address every 40 s, 20 addresses, far below any per-address bar.
        for (var i = 0; i < 20; i++)
            if (campaigns.AddFailure(Failure(T0 + 40 * i, V4(i), "alice")) is { } alert) alerts.Add(alert);

        var attacked = Assert.Single(alerts);
        Assert.Equal(T0 + 40 * 11, attacked.At);
        Assert.Equal("alice", attacked.Account);
        Assert.Equal(AccountNames.Pseudonym("alice"), attacked.AccountId);
        Assert.Equal("account_failed_logins>=12/900s_networks>=6", attacked.Condition);
        Assert.Equal((12, 12, 12, 1), (attacked.Failures, attacked.Addresses, attacked.Networks, attacked.MaxPerAddress));
    }

    [Fact]
    public void A_user_who_mistypes_three_times_raises_nothing()
    {
        var campaigns = new LoginCampaigns(_options);

        for (var i = 0; i < 3; i++) Assert.Null(campaigns.AddFailure(Failure(T0 + 5 * i, "203.0.113.20", "bob")));
    }

    [Fact]
    public void Stale_passwords_retried_by_a_persons_devices_raise_nothing_however_often()
    {
        // After a password change: the laptop at home, the phone (a new IPv6 privacy address every few minutes, one
        // /64) and the office desktop retry the old password every 30 s for an hour: 360 failures, three networks.
        var campaigns = new LoginCampaigns(_options);
        for (var s = 0; s < 3600; s += 30)
        {
            Assert.Null(campaigns.AddFailure(Failure(T0 + s, "192.0.2.10", "carol")));
            Assert.Null(campaigns.AddFailure(Failure(T0 + s, $"2001:db8:aa:bb::{s / 300 + 1:x}", "carol")));
            Assert.Null(campaigns.AddFailure(Failure(T0 + s, "198.51.100.77", "carol")));
        }
    }

    [Fact]
    public void Login_names_are_compared_without_case()
    {
        var campaigns = new LoginCampaigns(_options);
        AccountAttacked? alert = null;
        string[] spellings = ["Alice", "ALICE", "alice"];
        for (var i = 0; i < 12; i++) alert = campaigns.AddFailure(Failure(T0 + i, V4(i), spellings[i % 3])) ?? alert;

        Assert.Equal("alice", alert?.Account);
    }

    [Fact]
    public void A_campaign_ends_after_a_quiet_window_and_a_later_one_is_alerted_again()
    {
        var campaigns = new LoginCampaigns(_options);
        var alerts = 0;
        for (var i = 0; i < 12; i++) alerts += campaigns.AddFailure(Failure(T0 + i, V4(i), "dave")) is null ? 0 : 1;
        for (var i = 0; i < 12; i++) alerts += campaigns.AddFailure(Failure(T0 + 100 + i, V4(i + 20), "dave")) is null ? 0 : 1;
        Assert.Equal(1, alerts);

        for (var i = 0; i < 12; i++) alerts += campaigns.AddFailure(Failure(T0 + 2000 + i, V4(i + 40), "dave")) is null ? 0 : 1;

        Assert.Equal(2, alerts);
    }

    [Fact]
    public void Failures_spread_beyond_the_window_never_add_up()
    {
        var campaigns = new LoginCampaigns(_options);
        // Twelve networks, but one failure every 100 s: at most nine within any 900 s.
        for (var i = 0; i < 30; i++) Assert.Null(campaigns.AddFailure(Failure(T0 + 100 * i, V4(i), "erin")));
    }

    [Fact]
    public void A_campaign_address_that_also_fails_in_the_access_log_gets_a_verdict_naming_both()
    {
        var campaigns = new LoginCampaigns(_options);
        for (var i = 0; i < 12; i++) campaigns.AddFailure(Failure(T0 + i, V4(i), "frank"));
        var id = AccountNames.Pseudonym("frank");
        // V4(3) took part and got three 401s from the access log; V4(4) took part with one; 192.0.2.99 had 401s only.
        campaigns.AddAccessAuthFailures(IpKey.Parse(V4(3)), T0 + 20, 2);
        campaigns.AddAccessAuthFailures(IpKey.Parse(V4(3)), T0 + 21, 1);
        campaigns.AddAccessAuthFailures(IpKey.Parse(V4(4)), T0 + 20, 1);
        campaigns.AddAccessAuthFailures(IpKey.Parse("192.0.2.99"), T0 + 20, 50);

        Assert.True(campaigns.HasPending);
        var verdict = Assert.Single(campaigns.TakeVerdicts(T0 + 22, Baseline));

        Assert.Equal(IpKey.Parse(V4(3)), verdict.Ip);
        Assert.Equal($"ip_auth_failures>=3/900s+account_campaign:{id}", verdict.Condition);
        Assert.Equal(3.0 / 900, verdict.Rate, 6);
        Assert.False(campaigns.HasPending);
        Assert.Equal(id, campaigns.CampaignOf(IpKey.Parse(V4(4)), T0 + 22));
        Assert.Equal("ip_auth_failures>=3/900s+account_campaign", LoginCampaigns.WithoutAccount(verdict.Condition));
        Assert.Null(campaigns.CampaignOf(IpKey.Parse("192.0.2.99"), T0 + 22));
    }

    [Fact]
    public void Access_log_failures_before_the_address_joins_count_once_it_does_and_old_ones_do_not()
    {
        var campaigns = new LoginCampaigns(_options);
        var early = IpKey.Parse("203.0.113.50");
        var stale = IpKey.Parse("203.0.113.51");
        campaigns.AddAccessAuthFailures(early, T0 - 30, 3);
        campaigns.AddAccessAuthFailures(stale, T0 - 2000, 3);
        for (var i = 0; i < 11; i++) campaigns.AddFailure(Failure(T0 + i, V4(i), "gina"));
        campaigns.AddFailure(new LoginFailure((T0 + 20) * 1000, early, "gina"));
        campaigns.AddFailure(new LoginFailure((T0 + 21) * 1000, stale, "gina"));

        var verdicts = campaigns.TakeVerdicts(T0 + 22, Baseline);

        Assert.Equal([early], verdicts.Select(v => v.Ip));
    }

    [Fact]
    public void The_combined_ban_can_be_turned_off_without_the_alert()
    {
        _options.CampaignMinAuthFailures = 0;
        var campaigns = new LoginCampaigns(_options);
        AccountAttacked? alert = null;
        for (var i = 0; i < 12; i++) alert = campaigns.AddFailure(Failure(T0 + i, V4(i), "hank")) ?? alert;
        campaigns.AddAccessAuthFailures(IpKey.Parse(V4(0)), T0 + 20, 10);

        Assert.NotNull(alert);
        Assert.Empty(campaigns.TakeVerdicts(T0 + 21, Baseline));
    }

    [Fact]
    public void Accounts_and_addresses_stay_within_their_caps_and_an_attacked_account_is_kept()
    {
        _options.MaxTrackedAccounts = 100;
        _options.MaxTrackedLoginAddresses = 100;
        var campaigns = new LoginCampaigns(_options);
        for (var i = 0; i < 12; i++) campaigns.AddFailure(Failure(T0, V4(i), "ivy"));

        // Credential stuffing: a new name and a new address for every guess.
        for (var i = 0; i < 5000; i++) campaigns.AddFailure(Failure(T0 + 1 + i / 10, V4(100 + i % 20000), $"user{i}"));

        Assert.InRange(campaigns.AccountCount, 1, 100);
        Assert.InRange(campaigns.AddressCount, 1, 100);
        Assert.Null(campaigns.AddFailure(Failure(T0 + 600, V4(20000), "ivy")));   // still the same campaign: no new alert
    }

    [Fact]
    public void A_flood_on_one_account_costs_a_bounded_number_of_runs()
    {
        var campaigns = new LoginCampaigns(_options);
        AccountAttacked? alert = null;
        // Two addresses alternating for 15 minutes, then six more networks join: the account is counted right.
        for (var s = 0; s < 900; s++)
        for (var k = 0; k < 4; k++)
            alert = campaigns.AddFailure(Failure(T0 + s, k % 2 == 0 ? "203.0.113.1" : "203.0.113.2", "judy")) ?? alert;
        Assert.Null(alert);
        for (var i = 0; i < 4; i++) alert = campaigns.AddFailure(Failure(T0 + 900, V4(i), "judy")) ?? alert;

        Assert.NotNull(alert);
        Assert.Equal(6, alert.Networks);
    }
}

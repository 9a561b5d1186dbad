using Detector.Alerts;
using Detector.Audit;
using Detector.Domain;

namespace Detector.Tests.Alerts;

public class AlertPolicySpecs
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-04-29T14:00:00Z");

    private static BanImposed Ban(string ip) => new(0, IpKey.Parse(ip), 1, 600, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static FirewallFailed BanFailed(string ip) => new(0, FirewallOperation.Ban, IpKey.Parse(ip), "ipset exited 1", 600);

    private static BanLifted Unban(string ip) => new(0, IpKey.Parse(ip), "expired", 600, 0, 1, 1);

    private static AlertPolicy Policy(double cooldownSeconds = 600, int threshold = 5, double windowSeconds = 10) =>
        new(TimeSpan.FromSeconds(cooldownSeconds), threshold, TimeSpan.FromSeconds(windowSeconds));

    [Fact]
    public void The_same_alert_within_the_cooldown_is_suppressed_and_counted_on_the_next_one_sent()
    {
        var policy = Policy(cooldownSeconds: 600);
        var failed = BanFailed("203.0.113.9");

        Assert.Equal(AlertOutcome.Send, policy.Decide(failed, T0).Outcome);
        Assert.Equal(AlertOutcome.Suppress, policy.Decide(failed, T0.AddMinutes(1)).Outcome);
        Assert.Equal(AlertOutcome.Suppress, policy.Decide(failed, T0.AddMinutes(9)).Outcome);

        var after = policy.Decide(failed, T0.AddMinutes(10));
        Assert.Equal(AlertOutcome.Send, after.Outcome);
        Assert.Equal(2, after.SuppressedBefore);
    }

    [Fact]
    public void Cooldown_is_per_action_and_subject()
    {
        var policy = Policy();

        Assert.Equal(AlertOutcome.Send, policy.Decide(Ban("203.0.113.9"), T0).Outcome);
        Assert.Equal(AlertOutcome.Send, policy.Decide(Ban("203.0.113.10"), T0).Outcome);
        Assert.Equal(AlertOutcome.Send, policy.Decide(Unban("203.0.113.9"), T0).Outcome);
        Assert.Equal(AlertOutcome.Suppress, policy.Decide(Ban("203.0.113.9"), T0.AddSeconds(30)).Outcome);
    }

    [Fact]
    public void Up_to_the_threshold_bans_in_a_window_are_sent_one_by_one_and_no_summary_follows()
    {
        var policy = Policy(threshold: 5, windowSeconds: 10);

        for (var i = 0; i < 5; i++)
            Assert.Equal(AlertOutcome.Send, policy.Decide(Ban($"203.0.113.{i}"), T0.AddSeconds(i)).Outcome);

        Assert.Null(policy.TakeDueSummary(T0.AddSeconds(11)));
    }

    [Fact]
    public void Twelve_bans_in_ten_seconds_give_five_messages_and_one_summary_listing_all_twelve()
    {
        var policy = Policy(threshold: 5, windowSeconds: 10);
        var outcomes = Enumerable.Range(0, 12)
            .Select(i => policy.Decide(Ban($"203.0.113.{i}"), T0.AddMilliseconds(i * 500)).Outcome)
            .ToList();

        Assert.Equal(5, outcomes.Count(o => o == AlertOutcome.Send));
        Assert.Equal(7, outcomes.Count(o => o == AlertOutcome.Summarize));
        Assert.Null(policy.TakeDueSummary(T0.AddSeconds(9.9)));

        var summary = policy.TakeDueSummary(T0.AddSeconds(10));
        Assert.NotNull(summary);
        Assert.Equal(12, summary.Total);
        Assert.Equal(7, summary.Held);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"203.0.113.{i}"), summary.Listed.Select(b => b.Ip.ToString()));
        Assert.False(summary.Continuing);
        Assert.Null(policy.TakeDueSummary(T0.AddSeconds(20)));
    }

    [Fact]
    public void A_sustained_ban_wave_is_summarized_per_window_without_individual_messages()
    {
        var policy = Policy(threshold: 5, windowSeconds: 10);
        for (var i = 0; i < 8; i++) policy.Decide(Ban($"203.0.113.{i}"), T0.AddSeconds(i));
        Assert.NotNull(policy.TakeDueSummary(T0.AddSeconds(10)));

        // The wave goes on right after the summarized window: held whole.
        var next = Enumerable.Range(0, 3).Select(i => policy.Decide(Ban($"198.51.100.{i}"), T0.AddSeconds(12 + i)).Outcome).ToList();
        Assert.All(next, o => Assert.Equal(AlertOutcome.Summarize, o));
        var summary = policy.TakeDueSummary(T0.AddSeconds(22));
        Assert.NotNull(summary);
        Assert.True(summary.Continuing);
        Assert.Equal(3, summary.Total);
        Assert.Equal(3, summary.Held);

        // Long after the wave a single ban is a single message again.
        Assert.Equal(AlertOutcome.Send, policy.Decide(Ban("192.0.2.1"), T0.AddMinutes(5)).Outcome);
    }

    [Fact]
    public void A_summary_lists_a_bounded_number_of_bans_and_counts_the_rest()
    {
        var policy = Policy(threshold: 5, windowSeconds: 10);
        for (var i = 0; i < 300; i++) policy.Decide(Ban($"10.0.{i / 256}.{i % 256}"), T0.AddMilliseconds(i));

        var summary = policy.TakeDueSummary(T0.AddSeconds(10))!;

        Assert.Equal(300, summary.Total);
        Assert.Equal(AlertPolicy.MaxListed, summary.Listed.Count);
    }

    [Fact]
    public void A_ban_after_an_uncollected_window_still_gets_that_window_summarized()
    {
        var policy = Policy(threshold: 1, windowSeconds: 10);
        policy.Decide(Ban("203.0.113.1"), T0);
        policy.Decide(Ban("203.0.113.2"), T0.AddSeconds(1));

        policy.Decide(Ban("203.0.113.3"), T0.AddSeconds(30));

        var summary = policy.TakeDueSummary(T0.AddSeconds(30));
        Assert.NotNull(summary);
        Assert.Equal(["203.0.113.1", "203.0.113.2"], summary.Listed.Select(b => b.Ip.ToString()));
    }

    [Fact]
    public void Cooldown_memory_is_pruned_of_expired_keys()
    {
        var policy = Policy(cooldownSeconds: 60, threshold: 100_000);
        for (var i = 0; i < 5000; i++) policy.Decide(BanFailed($"10.1.{i / 256}.{i % 256}"), T0.AddSeconds(i));

        Assert.InRange(policy.TrackedKeys, 1, 1100);
    }
}

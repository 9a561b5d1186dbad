using System.Text.Json;
using Detector.Alerts;
using Detector.Domain;

namespace Detector.Tests.Alerts;

public class SlackMessageBuilderTests
{
    private static readonly long At = DateTimeOffset.Parse("2026-04-29T14:24:29Z").ToUnixTimeSeconds();
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private static readonly BanImposed Ban = new(At, Ip, 2, At + 600, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static JsonElement Payload(SlackMessage message) => JsonDocument.Parse(message.Payload).RootElement;

    /// <summary>Every text in the blocks, joined: what a reader of the message sees.</summary>
    private static string BlockText(SlackMessage message)
    {
        var texts = new List<string>();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                        if (p.Name == "text" && p.Value.ValueKind == JsonValueKind.String) texts.Add(p.Value.GetString()!);
                        else Walk(p.Value);
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray()) Walk(item);
                    break;
            }
        }
        Walk(Payload(message).GetProperty("blocks"));
        return string.Join("\n", texts);
    }

    [Fact]
    public void Ban_message_has_block_kit_blocks_and_a_text_fallback_with_ip_rule_rate_baseline_duration_and_tier()
    {
        var details = new BanDetails(2, 4, ["/login", "/remote.php/dav"], ["python-requests/2.31"]);

        var message = SlackMessageBuilder.ForEvent(Ban, new AlertContext(Ban: details));

        var payload = Payload(message);
        Assert.Equal(message.Text, payload.GetProperty("text").GetString());
        var types = payload.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ToList();
        Assert.Equal(["header", "section", "section", "section", "context"], types);
        foreach (var expected in new[] { "203.0.113.9", "ip_zscore>3.0", "212.4 req/s", "mean=11.2 std=6.1", "10 min" })
        {
            Assert.Contains(expected.Replace(">", "&gt;"), message.Text);
            Assert.Contains(expected.Replace(">", "&gt;"), BlockText(message));
        }
        Assert.Contains("offence 2, ladder step 2 of 4", BlockText(message));
        Assert.Contains("`/remote.php/dav`", BlockText(message));
        Assert.Contains("`python-requests/2.31`", BlockText(message));
        Assert.Contains("2026-04-29T14:24:29Z", BlockText(message));
        Assert.Equal("BAN 203.0.113.9", message.Summary);
    }

    [Fact]
    public void Ban_without_details_still_says_everything_the_audit_line_says()
    {
        var message = SlackMessageBuilder.ForEvent(Ban with { ExpiresAt = null }, AlertContext.Empty);

        Assert.Contains("permanent", message.Text);
        Assert.DoesNotContain("Recent paths", BlockText(message));
        Assert.DoesNotContain("Tier", BlockText(message));
    }

    [Fact]
    public void Log_derived_strings_cannot_mention_a_channel_plant_a_link_or_break_out_of_code()
    {
        var details = new BanDetails(1, 4,
            ["/<!channel>", "/x?<https://evil.example|click here>&a=1"],
            ["Mozilla `rm -rf` <@U123>\nsecond line"]);

        var text = BlockText(SlackMessageBuilder.ForEvent(Ban, new AlertContext(Ban: details)));

        Assert.DoesNotContain("<!channel>", text);
        Assert.DoesNotContain("<https://evil", text);
        Assert.DoesNotContain("<@U123>", text);
        Assert.Contains("&lt;!channel&gt;", text);
        Assert.Contains("&amp;a=1", text);
        Assert.Contains("`Mozilla 'rm -rf' &lt;@U123&gt; second line`", text);
    }

    [Fact]
    public void Very_long_samples_are_shortened()
    {
        var details = new BanDetails(1, 4, ["/" + new string('a', 5000)], []);

        var message = SlackMessageBuilder.ForEvent(Ban, new AlertContext(Ban: details));

        Assert.True(message.Payload.Length < 2000, $"payload of {message.Payload.Length} characters");
        Assert.Contains("…", BlockText(message));
    }

    [Fact]
    public void Range_ban_names_the_range_the_rule_and_the_addresses_that_led_to_it()
    {
        IpKey[] members = [.. Enumerable.Range(1, 10).Select(i => IpKey.Parse($"2001:db8:0:1::{i:x}"))];
        var range = new RangeBanImposed(At, Cidr.Parse("2001:db8:0:1::/64"), 1, At + 600, "range>=3/600s", members, 11.2, 6.1);

        var message = SlackMessageBuilder.ForEvent(range, AlertContext.Empty);
        var blocks = BlockText(message);

        Assert.Contains("BAN_RANGE 2001:db8:0:1::/64", message.Text);
        Assert.Contains("range&gt;=3/600s, 10 addresses, 10 min (offence 1)", message.Text); // escaped for mrkdwn
        Assert.Contains("Banned range 2001:db8:0:1::/64", blocks);
        Assert.Contains("• `2001:db8:0:1::8`", blocks);
        Assert.DoesNotContain("2001:db8:0:1::9", blocks);
        Assert.Contains("…and 2 more", blocks);
    }

    [Fact]
    public void Range_unban_and_refusal_show_the_range_and_its_members()
    {
        IpKey[] members = [IpKey.Parse("198.51.100.7"), IpKey.Parse("198.51.100.8")];
        var lifted = SlackMessageBuilder.ForEvent(new RangeBanLifted(At, Cidr.Parse("198.51.100.0/24"), "manual", 600, members, 11, 6), AlertContext.Empty);
        var refused = SlackMessageBuilder.ForEvent(
            new RangeBanRefused(At, Cidr.Parse("198.51.100.0/24"), BanSource.Range, members, "allowlist=198.51.100.10/32"), AlertContext.Empty);

        Assert.Contains("UNBAN_RANGE 198.51.100.0/24 — manual, ban of 10 min; members=198.51.100.7,198.51.100.8", lifted.Text);
        Assert.Contains("BAN_REFUSED 198.51.100.0/24 — range members=198.51.100.7,198.51.100.8: allowlist=198.51.100.10/32", refused.Text);
    }

    [Fact]
    public void Unban_names_the_ip_the_reason_and_the_ban_it_ends()
    {
        var unban = new BanLifted(At, Ip, "expired", 1800, 0, 11.0, 6.0);

        var message = SlackMessageBuilder.ForEvent(unban, AlertContext.Empty);

        Assert.Contains("UNBAN 203.0.113.9", message.Text);
        Assert.Contains("expired", message.Text);
        Assert.Contains("30 min", message.Text);
    }

    [Fact]
    public void Global_alert_gives_rate_baseline_and_the_breadth_of_the_surge_when_known()
    {
        var alert = new GlobalAlertRaised(At, "global_rate>5.0x_mean", 88.0, 12.9, 5.8);
        var breadth = new SurgeBreadth(412, 380, [new SurgeSource("198.51.100.7", 900), new SurgeSource("2001:db8::5", 450)]);

        var plain = SlackMessageBuilder.ForEvent(alert, AlertContext.Empty);
        var broad = SlackMessageBuilder.ForEvent(alert, new AlertContext(Surge: breadth));

        Assert.Contains("88.0 req/s", plain.Text);
        Assert.Contains("mean=12.9 std=5.8", plain.Text);
        Assert.DoesNotContain("distinct", BlockText(plain));
        Assert.Contains("412 distinct, 380 new", BlockText(broad));
        Assert.Contains("`198.51.100.7` 900 req", BlockText(broad));
    }

    [Fact]
    public void Ineffective_ban_and_firewall_failures_are_worded_for_the_operator()
    {
        var ineffective = SlackMessageBuilder.ForEvent(new BanIneffective(At, Ip, At - 600, At, 24120, 40.2, 11.0, 6.0), AlertContext.Empty);
        var banFailed = SlackMessageBuilder.ForEvent(new FirewallFailed(At, FirewallOperation.Ban, Ip, "ipset exited 1", 600), AlertContext.Empty);
        var unbanFailed = SlackMessageBuilder.ForEvent(new FirewallFailed(At, FirewallOperation.Unban, Ip, "timeout", null), AlertContext.Empty);
        var reconcileFailed = SlackMessageBuilder.ForEvent(new FirewallFailed(At, FirewallOperation.Reconcile, null, "ipset restore exit 1", null), AlertContext.Empty);

        Assert.Contains("not stopping its traffic: lines_after_ban=24120", ineffective.Text);
        Assert.Contains("40.2 req/s", ineffective.Text);
        Assert.Equal("BAN_INEFFECTIVE 203.0.113.9", ineffective.Summary);
        Assert.Equal("BAN_FAILED 203.0.113.9", banFailed.Summary);
        Assert.Contains("failed to ban 203.0.113.9", banFailed.Text);
        Assert.Contains("ipset exited 1", banFailed.Text);
        Assert.Contains("failed to unban 203.0.113.9", unbanFailed.Text);
        Assert.Equal("RECONCILE_FAILED - — ipset restore exit 1, 0.0 req/s", reconcileFailed.Text);
    }

    [Fact]
    public void Allowlisted_anomaly_and_baseline_recompute_get_the_plain_message()
    {
        var allowlisted = SlackMessageBuilder.ForEvent(
            new AnomalyAllowlisted(At, new IpVerdict(Ip, At, "ip_zscore>3.0", 212.4, 11.2, 6.1), "allowlist"), AlertContext.Empty);
        var baseline = SlackMessageBuilder.ForEvent(
            new BaselineRecomputed(new BaselineSnapshot(At, 12.9, 5.8, 5.8, 0.031, 1, 2, 100, "14h", true), 13.1), AlertContext.Empty);

        Assert.Equal("ALLOWLISTED 203.0.113.9 — ip_zscore&gt;3.0, 212.4 req/s", allowlisted.Text);
        Assert.Equal("ALLOWLISTED 203.0.113.9", allowlisted.Summary);
        Assert.Equal("BASELINE - — recompute, 13.1 req/s", baseline.Text);
    }

    [Fact]
    public void Suppressed_duplicates_are_mentioned()
    {
        var message = SlackMessageBuilder.ForEvent(Ban, new AlertContext(SuppressedBefore: 3));

        Assert.Contains("3 identical alerts suppressed", BlockText(message));
    }

    [Fact]
    public void Burst_summary_counts_and_lists_the_banned_ips()
    {
        var bans = Enumerable.Range(1, 12).Select(i => Ban with { Ip = IpKey.Parse($"203.0.113.{i}") }).ToList();

        var message = SlackMessageBuilder.ForBanBurst(new BanBurst(bans, 12, 7, TimeSpan.FromSeconds(10), Continuing: false));

        Assert.StartsWith(":no_entry: 12 IPs banned in 10 s", message.Text);
        var text = BlockText(message);
        Assert.All(bans, b => Assert.Contains($"`{b.Ip}`", text));
        Assert.Contains("The first 5 had their own message", text);
    }

    [Fact]
    public void Burst_summary_says_how_many_it_does_not_list()
    {
        var bans = Enumerable.Range(1, 50).Select(i => Ban with { Ip = IpKey.Parse($"203.0.113.{i}") }).ToList();

        var message = SlackMessageBuilder.ForBanBurst(new BanBurst(bans, 80, 80, TimeSpan.FromSeconds(10), Continuing: true));

        Assert.Contains("80 more IPs banned", message.Text);
        var text = BlockText(message);
        var listed = text.Split('\n').Count(l => l.StartsWith("• "));
        Assert.Contains($"…and {80 - listed} more", text);
        Assert.True(message.Payload.Length < 3500, $"payload of {message.Payload.Length} characters");
    }

    [Theory]
    [InlineData(600L, "10 min")]
    [InlineData(1800L, "30 min")]
    [InlineData(7200L, "2 h")]
    [InlineData(90L, "1 min 30 s")]
    [InlineData(5400L, "1 h 30 min")]
    [InlineData(86400L, "1 d")]
    [InlineData(null, "permanent")]
    public void Durations_are_in_words(long? seconds, string words) =>
        Assert.Equal(words, SlackMessageBuilder.HumanDuration(seconds));
}

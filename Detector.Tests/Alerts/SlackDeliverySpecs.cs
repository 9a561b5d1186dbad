using System.Text.Json;
using Detector.Alerts;
using Detector.Audit;
using Detector.Domain;
using Detector.Configuration;
using Detector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Detector.Tests.Alerts;

/// <summary>Slack delivery against a real HTTP listener on loopback that answers 200, 500, 429 or hangs.</summary>
public sealed class SlackDeliverySpecs
{
    private const string SecretPath = "/services/T000/B000/s3cr3tW3bh00k";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static JsonElement Json(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task Ban_arrives_as_block_kit_json_with_ip_rule_duration_tier_and_samples()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        await using var slack = await SlackHarness.StartAsync(SlackHarness.Options(webhook.Url, SecretPath));

        slack.Publish(SlackHarness.Ban("203.0.113.9"));

        await webhook.WaitForRequestsAsync(1);
        var request = Assert.Single(webhook.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(SecretPath, request.Path);
        Assert.StartsWith("application/json", request.ContentType);
        var payload = Json(request);
        var text = payload.GetProperty("text").GetString()!;
        Assert.Contains("BAN 203.0.113.9", text);
        Assert.Contains("ip_zscore&gt;3.0", text);
        Assert.Contains("10 min", text);
        Assert.Equal("header", payload.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Contains("offence 2, ladder step 2 of 4", request.Body);
        Assert.Contains("`/index.php/login`", request.Body);
        Assert.Contains("`python-requests/2.31`", request.Body);
        await Eventually.True(() => slack.Stats.Sent == 1, Wait, "the sent counter");
        Assert.Equal(0, slack.Stats.Failed);
    }

    [Fact]
    public async Task Unban_global_alert_and_firewall_failures_are_sent_and_baseline_is_not()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        await using var slack = await SlackHarness.StartAsync(SlackHarness.Options(webhook.Url));

        slack.Publish(new BaselineRecomputed(new BaselineSnapshot(0, 12.9, 5.8, 5.8, 0.031, 1, 2, 100, "14h", true), 13.1));
        slack.Publish(new BanLifted(0, IpKey.Parse("203.0.113.9"), "expired", 600, 0, 1, 2));
        slack.Publish(new GlobalAlertRaised(0, "global_rate>5.0x_mean", 88, 12.9, 5.8));
        slack.Publish(new BanIneffective(0, IpKey.Parse("203.0.113.7"), -600, 0, 24120, 40.2, 1, 2));
        slack.Publish(new FirewallFailed(0, FirewallOperation.Ban, IpKey.Parse("203.0.113.8"), "ipset exited 1", 600));

        await webhook.WaitForRequestsAsync(4);
        var texts = webhook.Requests.Select(r => Json(r).GetProperty("text").GetString()!).ToList();
        Assert.Collection(texts,
            t => Assert.Contains("UNBAN 203.0.113.9", t),
            t => Assert.Contains("Global traffic surge: 88.0 req/s", t),
            t => Assert.Contains("ban on 203.0.113.7 is not stopping", t),
            t => Assert.Contains("failed to ban 203.0.113.8", t));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(4, webhook.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_attacked_account_is_named_only_when_configured(bool includeAccountNames)
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        var options = SlackHarness.Options(webhook.Url);
        options.IncludeAccountNames = includeAccountNames;
        await using var slack = await SlackHarness.StartAsync(options);

        slack.Publish(new AccountAttacked(0, "alice<!channel>", AccountNames.Pseudonym("alice<!channel>"), "account_failed_logins>=12/900s_networks>=6",
            40, 17, 15, 3, 900));

        await webhook.WaitForRequestsAsync(1);
        var body = webhook.Requests[0].Body;
        Assert.Contains(AccountNames.Pseudonym("alice<!channel>"), body);
        Assert.Contains("attacked from 15 networks", body);
        Assert.Equal(includeAccountNames, body.Contains("alice", StringComparison.Ordinal));
        Assert.DoesNotContain("<!channel>", body);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_then_counted_failed()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Error(500, "internal_error"));
        var options = SlackHarness.Options(webhook.Url);
        options.MaxRetries = 2;
        await using var slack = await SlackHarness.StartAsync(options);

        slack.Publish(SlackHarness.Ban("203.0.113.9"));

        await Eventually.True(() => slack.Stats.Failed == 1, Wait, "the failed counter");
        Assert.Equal(3, webhook.Requests.Count);
        Assert.Equal(2, slack.Stats.Retried);
        Assert.Equal(0, slack.Stats.Sent);
        Assert.Contains("HTTP 500 internal_error", slack.Stats.LastError);
    }

    [Fact]
    public async Task Too_many_requests_waits_for_retry_after_then_succeeds()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-04-29T14:00:00Z"));
        await using var webhook = await LoopbackHttpServer.StartAsync((_, n) => n == 0 ? ServerReply.TooManyRequests(30) : ServerReply.Ok());
        var options = SlackHarness.Options(webhook.Url);
        options.AttemptTimeoutSeconds = 600;
        options.TotalTimeoutSeconds = 3600;
        await using var slack = await SlackHarness.StartAsync(options, clock);

        slack.Publish(SlackHarness.Ban("203.0.113.9"));
        await webhook.WaitForRequestsAsync(1);

        // Wall time is the fake clock's: the retry can only go out once 30 s of it have passed.
        var advanced = TimeSpan.Zero;
        await Eventually.True(() =>
        {
            if (webhook.Requests.Count >= 2) return true;
            clock.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return false;
        }, Wait, "the retry after Retry-After");

        Assert.InRange(advanced, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
        await Eventually.True(() => slack.Stats.Sent == 1, Wait, "the sent counter");
        Assert.Equal(1, slack.Stats.Retried);
        Assert.Equal(0, slack.Stats.Failed);
        Assert.Equal(webhook.Requests[0].Body, webhook.Requests[1].Body);
    }

    [Fact]
    public async Task A_hanging_webhook_is_abandoned_after_the_attempt_timeout_and_counted_failed()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Hanging);
        var options = SlackHarness.Options(webhook.Url);
        options.AttemptTimeoutSeconds = 0.3;
        options.MaxRetries = 1;
        await using var slack = await SlackHarness.StartAsync(options);

        slack.Publish(SlackHarness.Ban("203.0.113.9"));

        await Eventually.True(() => slack.Stats.Failed == 1, Wait, "the failed counter");
        Assert.Equal(2, webhook.Requests.Count);
        Assert.Contains("Timeout", slack.Stats.LastError);
    }

    [Fact]
    public async Task The_queue_stays_bounded_behind_a_hanging_webhook_and_drops_the_oldest()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Hanging);
        var options = SlackHarness.Options(webhook.Url);
        options.AttemptTimeoutSeconds = 600;
        options.TotalTimeoutSeconds = 600;
        options.QueueCapacity = 5;
        options.BurstThreshold = 1000;
        await using var slack = await SlackHarness.StartAsync(options);
        var outbox = slack.Services.GetRequiredService<SlackOutbox>();

        slack.Publish(SlackHarness.Ban("198.51.100.1"));
        await webhook.WaitForRequestsAsync(1);
        for (var i = 0; i < 200; i++) slack.Publish(SlackHarness.Ban($"203.0.113.{i}"));

        await Eventually.True(() => slack.Stats.Dropped == 195, Wait, "195 dropped messages");
        Assert.Equal(5, outbox.Count);
        Assert.Equal(5, slack.Stats.Queued);
        Assert.Single(webhook.Requests);
        Assert.Equal(0, slack.Stats.Sent);
    }

    [Fact]
    public async Task A_burst_of_bans_yields_five_messages_and_one_summary_listing_all_of_them()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-04-29T14:00:00Z"));
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        var options = SlackHarness.Options(webhook.Url);
        options.AttemptTimeoutSeconds = 600;
        options.TotalTimeoutSeconds = 3600;
        await using var slack = await SlackHarness.StartAsync(options, clock);
        var ips = Enumerable.Range(1, 12).Select(i => $"203.0.113.{i}").ToList();

        foreach (var ip in ips) slack.Publish(SlackHarness.Ban(ip));
        await webhook.WaitForRequestsAsync(5);
        await Eventually.True(() => slack.Stats.Summarized == 0 && slack.Stats.Sent == 5, Wait, "five individual messages");
        clock.Advance(TimeSpan.FromSeconds(10));

        await webhook.WaitForRequestsAsync(6);
        var summary = Json(webhook.Requests[5]).GetProperty("text").GetString()!;
        Assert.StartsWith(":no_entry: 12 IPs banned in 10 s", summary);
        Assert.All(ips, ip => Assert.Contains($"`{ip}`", webhook.Requests[5].Body));
        Assert.Equal(7, slack.Stats.Summarized);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(6, webhook.Requests.Count);
    }

    [Fact]
    public async Task The_same_ban_is_sent_once_within_the_cooldown()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        await using var slack = await SlackHarness.StartAsync(SlackHarness.Options(webhook.Url));

        slack.Publish(SlackHarness.Ban("203.0.113.9"));
        slack.Publish(SlackHarness.Ban("203.0.113.9"));
        slack.Publish(SlackHarness.Ban("203.0.113.10"));

        await webhook.WaitForRequestsAsync(2);
        await Eventually.True(() => slack.Stats.Suppressed == 1, Wait, "the suppressed counter");
        Assert.Equal(["203.0.113.9", "203.0.113.10"],
            webhook.Requests.Select(r => Json(r).GetProperty("text").GetString()!.Split(' ')[2]));
    }

    [Fact]
    public async Task The_webhook_url_never_appears_in_the_logs()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync((_, n) => n switch
        {
            0 => ServerReply.Error(500),
            1 => ServerReply.TooManyRequests(0),
            2 => ServerReply.Ok(),
            _ => ServerReply.Error(404, "no_service"),
        });
        var options = SlackHarness.Options(webhook.Url, SecretPath);
        options.MaxRetries = 2;
        await using (var slack = await SlackHarness.StartAsync(options))
        {
            slack.Publish(SlackHarness.Ban("203.0.113.9"));
            await Eventually.True(() => slack.Stats.Sent == 1, Wait, "the first alert");
            slack.Publish(SlackHarness.Ban("203.0.113.10"));
            await Eventually.True(() => slack.Stats.Failed == 1, Wait, "the second alert failing");

            var logs = slack.Logs.All;
            Assert.Contains(webhook.Url.Authority, logs);
            Assert.DoesNotContain("s3cr3tW3bh00k", logs);
            Assert.DoesNotContain("/services/", logs);
        }
    }

    [Fact]
    public async Task Without_a_webhook_there_is_no_delivery_but_the_stats_are_there()
    {
        await using var slack = await SlackHarness.StartAsync(new SlackOptions());

        slack.Publish(SlackHarness.Ban("203.0.113.9"));

        Assert.False(slack.Stats.Enabled);
        Assert.Null(slack.Services.GetService<SlackOutbox>());
        await Assert.ThrowsAsync<Akka.Actor.ActorNotFoundException>(() =>
            slack.System.ActorSelection("/user/slack-alerts").ResolveOne(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_webhook_url_can_come_from_a_file()
    {
        await using var webhook = await LoopbackHttpServer.StartAsync(ServerReply.Ok());
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, new Uri(webhook.Url, SecretPath) + "\n", TestContext.Current.CancellationToken);
            var options = SlackHarness.Options(webhook.Url);
            options.WebhookUrl = null;
            options.WebhookUrlFile = file;
            await using var slack = await SlackHarness.StartAsync(options);

            slack.Publish(SlackHarness.Ban("203.0.113.9"));

            await webhook.WaitForRequestsAsync(1);
            Assert.Equal(SecretPath, webhook.Requests[0].Path);
            Assert.Equal(webhook.Url.Authority, slack.Stats.WebhookHost);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

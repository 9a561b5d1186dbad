using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;

namespace Detector.Tests.Pipeline;

/// <summary>The coordinator with Nextcloud's failed logins among its batches (<see cref="Detector.Detection.LoginCampaigns"/>).</summary>
public sealed class AccountCampaignSpecs
{
    private const string Both = "203.0.113.66";
    private static readonly string Alice = AccountNames.Pseudonym("alice");

    private static DetectorOptions Options()
    {
        var options = new DetectorOptions();
        options.Log.NextcloudLogs = ["nextcloud.log"];
        return options;
    }

    private static EntryBatch Logins(params (long Second, string Ip)[] failures) =>
        EntryBatch.OfLogins(failures.Select(f => new LoginFailure(f.Second * 1000, IpKey.Parse(f.Ip), "alice")).ToArray());

    private static (long, string)[] Botnet(long second, int count) =>
        Enumerable.Range(0, count).Select(i => (second, $"198.51.100.{i + 1}")).ToArray();

    [Fact]
    public async Task A_per_ip_verdict_against_a_campaign_address_names_the_campaign_too()
    {
        await using var harness = await PipelineHarness.StartAsync(Options());
        await harness.FeedAsync(Seconds(Start, Start + 60).SelectMany(s => s));
        await harness.Coordinator.ProcessAsync(Logins([.. Botnet(Start + 60, 12), (Start + 60, Both)]));

        // 40 WebDAV 401s in one second: the per-IP auth-failure rule fires on its own.
        await harness.FeedAsync(Flood(Both, Start + 61, 40, status: 401).Concat([Entry("192.0.2.1", Start + 63)]));

        var audit = await harness.AuditEventsAsync();
        Assert.Contains(audit, e => e.Action == AuditAction.Alert && e.Subject == $"account:{Alice}");
        var ban = Assert.Single(audit, e => e.Action == AuditAction.Ban);
        Assert.Equal(Both, ban.Subject);
        Assert.Equal($"ip_auth_failures>=30/60s+account_campaign:{Alice}", ban.Condition);
        Assert.Equal(1, harness.Stats.AccountAlerts);
        Assert.Contains(harness.Stats.BansByTierAndRule.Keys, k => k.Rule == "ip_auth_failures>=30/60s+account_campaign");
    }

    [Fact]
    public async Task Without_a_nextcloud_log_failed_logins_are_ignored()
    {
        await using var harness = await PipelineHarness.StartAsync(new DetectorOptions());
        await harness.FeedAsync([Entry("192.0.2.1", Start)]);
        await harness.Coordinator.ProcessAsync(Logins(Botnet(Start, 20)));
        await harness.FeedAsync([Entry("192.0.2.1", Start + 2)]);

        Assert.DoesNotContain(await harness.AuditEventsAsync(), e => e.Action == AuditAction.Alert);
    }

    [Fact]
    public async Task Live_a_failed_login_dated_ahead_of_the_open_second_is_taken_as_it()
    {
        var wall = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Start + 10));
        await using var harness = await PipelineHarness.StartAsync(Options(), clock: new EventClockSetup(ClockMode.Live, wall));
        await harness.FeedAsync([Entry("192.0.2.1", Start + 9)]);

        await harness.Coordinator.ProcessAsync(Logins(Botnet(Start + 3600, 12)));

        var alert = Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.Alert);
        Assert.Equal(Start + 9, alert.At);
    }
}

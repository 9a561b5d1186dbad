using Detector.Enforcement.Firewall;
using Detector.Audit;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Tests.Enforcement.Firewall;
using Detector.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static Detector.Tests.Support.Traffic;

namespace Detector.Tests.Enforcement;

/// <summary>A ban that does not stop the traffic is a bug the operator must see.</summary>
public sealed class BanEffectivenessSpecs
{
    private const string Attacker = "203.0.113.9";

    /// <summary>A flood from <see cref="Attacker"/> starting at Start + 120 that goes on for
    /// <paramref name="secondsAfterBan"/> seconds after its ban (as a working firewall would make it stop), its lines
    /// after the ban logged with <paramref name="statusAfterBan"/>.</summary>
    private static async Task FloodPastTheBan(PipelineHarness harness, int secondsAfterBan, long until, int statusAfterBan = 200)
    {
        long? bannedAt = null;
        for (var s = Start; s < until; s++)
        {
            var flooding = s >= Start + 120 && (bannedAt is null || s < bannedAt + secondsAfterBan);
            var status = bannedAt is null ? 200 : statusAfterBan;
            await harness.FeedAsync(Seconds(s, s + 1, extra: t => flooding ? Flood(Attacker, t, 200, status) : []).Single());
            // Feeding second s closed the seconds before it: a ban is dated s at the latest.
            if (bannedAt is null && harness.Stats.Bans > 0) bannedAt = s;
        }
    }

    [Fact]
    public async Task Traffic_past_the_grace_period_is_reported_once_as_BAN_INEFFECTIVE()
    {
        await using var harness = await PipelineHarness.StartAsync();

        await FloodPastTheBan(harness, secondsAfterBan: 60, until: Start + 300);

        var events = await harness.AuditEventsAsync();
        var ban = Assert.Single(events, e => e.Action == AuditAction.Ban);
        var report = Assert.Single(events, e => e.Action == AuditAction.BanIneffective);
        // Seconds ban.At .. ban.At+5 at 200 lines each; the sixth is past the 5 s grace.
        Assert.Equal((Attacker, ban.At + 6, "lines_after_ban=1200", 200.0, "600s"),
            (report.Subject, report.At, report.Condition, report.Rate, report.Duration));
        Assert.Equal(ban.Baseline, report.Baseline);
    }

    [Fact]
    public async Task Ban_that_stops_the_traffic_within_the_grace_period_is_not_reported()
    {
        await using var harness = await PipelineHarness.StartAsync();

        await FloodPastTheBan(harness, secondsAfterBan: 5, until: Start + 300);

        var events = await harness.AuditEventsAsync();
        Assert.Single(events, e => e.Action == AuditAction.Ban);
        Assert.DoesNotContain(events, e => e.Action == AuditAction.BanIneffective);
    }

    [Fact]
    public async Task Grace_period_is_configurable()
    {
        var options = new DetectorOptions();
        options.Enforcement.IneffectiveGraceSeconds = 30;
        await using var harness = await PipelineHarness.StartAsync(options);

        await FloodPastTheBan(harness, secondsAfterBan: 60, until: Start + 300);

        var events = await harness.AuditEventsAsync();
        var ban = Assert.Single(events, e => e.Action == AuditAction.Ban);
        Assert.Equal(ban.At + 31, Assert.Single(events, e => e.Action == AuditAction.BanIneffective).At);
    }

    [Fact]
    public async Task Each_ban_is_judged_on_its_own()
    {
        var options = new DetectorOptions();
        options.Enforcement.Ladder = ["1m", "permanent"];
        await using var harness = await PipelineHarness.StartAsync(options);

        // Floods on, ban, expiry after a minute, the flood goes on: banned again, still not blocked.
        foreach (var second in Seconds(Start, Start + 400, extra: s => s >= Start + 120 ? Flood(Attacker, s, 200) : []))
            await harness.FeedAsync(second);

        var events = await harness.AuditEventsAsync();
        Assert.Equal(2, events.Count(e => e.Action == AuditAction.Ban));
        Assert.Equal(["60s", "permanent"], events.Where(e => e.Action == AuditAction.BanIneffective).Select(e => e.Duration));
    }

    [Theory]
    [InlineData(403, false)]
    [InlineData(200, true)]
    public async Task With_nginx_enforcing_the_lines_it_answered_with_the_ban_status_are_the_ban_working(int statusAfterBan, bool reported)
    {
        var dir = Directory.CreateTempSubdirectory("detector-ban-effect-").FullName;
        try
        {
            var options = new DetectorOptions();
            options.Enforcement.Nginx = new NginxBanOptions { Directory = dir, Status = 403 };
            var nginx = new NginxFirewall(options.Enforcement.Nginx, NginxReloads.From(options.Enforcement.Nginx, new CommandExecutor(new RecordingProcessRunner())));
            await using var harness = await PipelineHarness.StartAsync(options, firewall: nginx);

            await FloodPastTheBan(harness, secondsAfterBan: 60, until: Start + 300, statusAfterBan);

            var events = await harness.AuditEventsAsync();
            Assert.Single(events, e => e.Action == AuditAction.Ban);
            Assert.Equal(reported, events.Any(e => e.Action == AuditAction.BanIneffective));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Dry_run_firewall_blocks_nothing_so_its_bans_are_not_judged()
    {
        var dryRun = new DryRunFirewall(NullLogger<DryRunFirewall>.Instance);
        await using var harness = await PipelineHarness.StartAsync(firewall: dryRun);

        await FloodPastTheBan(harness, secondsAfterBan: 60, until: Start + 300);

        var events = await harness.AuditEventsAsync();
        Assert.Single(events, e => e.Action == AuditAction.Ban);
        Assert.DoesNotContain(events, e => e.Action == AuditAction.BanIneffective);
    }
}

using Akka.Actor;
using Detector.Audit;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;
using Detector.Domain;
using Detector.IpWindows;

namespace Detector.Tests.Pipeline;

/// <summary>The coordinator and the actors behind it, driven second by second in event time.</summary>
public sealed class DetectionCoordinatorSpecs
{
    private const string Attacker = "203.0.113.9";

    private static async Task FeedSeconds(PipelineHarness harness, IEnumerable<AccessLogEntry[]> seconds)
    {
        foreach (var batch in seconds) await harness.FeedAsync(batch);
    }

    private static IEnumerable<AccessLogEntry> FloodBetween(long s, long from, long to, int perSecond = 200) =>
        s >= from && s < to ? Flood(Attacker, s, perSecond) : [];

    [Fact]
    public async Task Flood_from_one_ip_is_banned_within_ten_seconds_of_its_start()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var floodStart = Start + 120;
        await FeedSeconds(harness, Seconds(Start, Start + 180, extra: s => FloodBetween(s, floodStart, floodStart + 30)));

        var bans = (await harness.AuditEventsAsync()).Where(e => e.Action == "BAN").ToList();
        var ban = Assert.Single(bans);
        Assert.Equal(Attacker, ban.Subject);
        Assert.InRange(ban.At, floodStart, floodStart + 10);
        Assert.Equal("600s", ban.Duration);
        Assert.Contains(harness.Firewall.Calls, c => c.Action == "ban" && c.Ip == IpKey.Parse(Attacker) && c.Duration == TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task First_offence_is_unbanned_after_ten_minutes_of_event_time()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var floodStart = Start + 60;
        await FeedSeconds(harness, Seconds(Start, Start + 800, extra: s => FloodBetween(s, floodStart, floodStart + 20)));

        var events = await harness.AuditEventsAsync();
        var ban = Assert.Single(events, e => e.Action == "BAN");
        var unban = Assert.Single(events, e => e.Action == "UNBAN");
        Assert.Equal(ban.At + 600, unban.At);
        Assert.Equal("expired", unban.Condition);
        Assert.Equal(["ban", "unban"], harness.Firewall.Calls.Select(c => c.Action));
    }

    [Fact]
    public async Task Repeat_offender_walks_the_ladder_to_permanent()
    {
        var options = new DetectorOptions();
        options.Enforcement.Ladder = ["1m", "2m", "permanent"];
        await using var harness = await PipelineHarness.StartAsync(options);
        // Four floods, each well after the previous ban expired.
        long[] floods = [Start + 60, Start + 300, Start + 600, Start + 900];
        await FeedSeconds(harness, Seconds(Start, Start + 1000,
            extra: s => floods.SelectMany(f => FloodBetween(s, f, f + 15))));

        var bans = (await harness.AuditEventsAsync()).Where(e => e.Action == "BAN").ToList();
        Assert.Equal(["60s", "120s", "permanent"], bans.Select(b => b.Duration).Take(3));
        Assert.Equal(3, bans.Count); // the fourth flood hits a permanent ban: nothing new to do
    }

    [Fact]
    public async Task Quiet_period_with_a_small_burst_bans_nobody()
    {
        await using var harness = await PipelineHarness.StartAsync();
        // Two clients polling once a minute for 40 minutes, and one page load of 30 requests.
        await FeedSeconds(harness, Seconds(Start, Start + 2400, benignIps: 2, benignPeriod: 60,
            extra: s => s == Start + 1800 ? Flood("192.0.2.50", s, 30) : []));

        var events = await harness.AuditEventsAsync();
        Assert.DoesNotContain(events, e => e.Action is "BAN" or "ALERT");
        Assert.Empty(harness.Firewall.Calls);
    }

    [Fact]
    public async Task Banned_traffic_does_not_teach_the_baseline()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var floodStart = Start + 600;
        await FeedSeconds(harness, Seconds(Start, Start + 960, benignIps: 40, benignPeriod: 4,
            extra: s => FloodBetween(s, floodStart, floodStart + 120, perSecond: 300)));

        var baselines = (await harness.AuditEventsAsync()).Where(e => e.Action == "BASELINE").ToList();
        var before = Mean(baselines.Last(b => b.At <= floodStart));
        var after = Mean(baselines.Last());
        Assert.InRange(after, before * 0.8, before * 1.2);
    }

    [Fact]
    public async Task Site_wide_surge_raises_one_alert_per_episode_and_bans_nobody()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var surge1 = Start + 900;
        var surge2 = Start + 1500;
        // 300 extra clients, each at a harmless 0.5 req/s, during two 2-minute surges.
        IEnumerable<AccessLogEntry> Surge(long s) =>
            (s >= surge1 && s < surge1 + 120) || (s >= surge2 && s < surge2 + 120)
                ? Enumerable.Range(0, 300).Where(i => (s + i) % 2 == 0).Select(i => Entry($"10.1.{i / 250}.{i % 250 + 1}", s))
                : [];
        await FeedSeconds(harness, Seconds(Start, Start + 1800, benignIps: 40, benignPeriod: 4, extra: Surge));

        var events = await harness.AuditEventsAsync();
        var alerts = events.Where(e => e.Action == "ALERT").ToList();
        Assert.Equal(2, alerts.Count);
        Assert.InRange(alerts[0].At, surge1, surge1 + 30);
        Assert.InRange(alerts[1].At, surge2, surge2 + 30);
        Assert.DoesNotContain(events, e => e.Action == "BAN");
    }

    [Fact]
    public async Task Baseline_is_recomputed_every_minute_of_event_time()
    {
        await using var harness = await PipelineHarness.StartAsync();
        await FeedSeconds(harness, Seconds(Start, Start + 300));
        await harness.Coordinator.FinishAsync();

        var baselines = (await harness.AuditEventsAsync()).Where(e => e.Action == "BASELINE").ToList();
        Assert.Equal([Start + 60, Start + 120, Start + 180, Start + 240, Start + 300], baselines.Select(b => b.At));
    }

    [Fact]
    public async Task Out_of_order_lines_within_the_tolerance_count_into_the_open_second_and_older_ones_are_left_out()
    {
        await using var harness = await PipelineHarness.StartAsync();
        await harness.FeedAsync([Entry("192.0.2.1", Start + 100)]);

        await harness.FeedAsync([Entry("192.0.2.1", Start + 95), Entry("192.0.2.1", Start + 10), Entry("192.0.2.1", Start + 100)]);

        Assert.Equal(1, harness.Stats.LateClamped);
        Assert.Equal(1, harness.Stats.TooLate);
    }

    private static double Mean(AuditEvent baseline) =>
        double.Parse(baseline.Baseline.Split(' ').First(p => p.StartsWith("mean=")).Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Live mode: what the daemon does between whole seconds.</summary>
public sealed class LiveDetectionCoordinatorSpecs
{
    [Fact]
    public async Task Live_flood_is_banned_as_soon_as_its_open_second_crosses_the_line_not_when_the_second_closes()
    {
        var wall = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Start + 100).AddMilliseconds(300));
        await using var harness = await PipelineHarness.StartAsync(clock: new EventClockSetup(Detector.Ingest.Clock.ClockMode.Live, wall));
        await harness.FeedAsync([Entry("192.0.2.1", Start + 99, millis: 900)]);

        // 400 requests within the first 300 ms of second 100; nothing of second 101 has been read yet.
        await harness.FeedAsync(Enumerable.Range(0, 400).Select(i => Entry("203.0.113.9", Start + 100, millis: i * 300 / 400)));

        var ban = Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.Ban);
        Assert.Equal("203.0.113.9", ban.Subject);
        Assert.Equal(Start + 101, ban.At); // the same decision time as at the second's close
    }

    [Fact]
    public async Task Early_evaluation_counts_a_second_once_whatever_the_batches()
    {
        var wall = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Start + 10));
        await using var harness = await PipelineHarness.StartAsync(clock: new EventClockSetup(Detector.Ingest.Clock.ClockMode.Live, wall));
        // A busy IP read in many small batches: each batch is evaluated early, then the second closes.
        for (var batch = 0; batch < 10; batch++)
            await harness.FeedAsync(Enumerable.Range(0, 20).Select(i => Entry("192.0.2.7", Start + 5, millis: batch * 100 + i)));
        await harness.FeedAsync([Entry("192.0.2.8", Start + 6)]);

        var windows = await harness.System.ActorSelection("/user/ip-windows").ResolveOne(TimeSpan.FromSeconds(5));
        var state = await windows.Ask<Detector.IpWindows.IpWindowState>(
            new Detector.IpWindows.GetIpWindowState(Detector.Domain.IpKey.Parse("192.0.2.7")), TimeSpan.FromSeconds(5));
        Assert.Equal(200, state.Window.Requests);
    }
}

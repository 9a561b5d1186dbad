using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Detection;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Persistence;

/// <summary>The offender ledger in a real SQLite file through Akka.Persistence.Sql, across host restarts.</summary>
public sealed class LedgerPersistenceSpecs : IDisposable
{
    private const string Attacker = "203.0.113.9";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);

    private readonly TempSqliteLedger _db = new();

    public void Dispose() => _db.Dispose();

    private static IpVerdict Verdict(string ip, long at) => new(IpKey.Parse(ip), at, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static Task<EnforcementApplied> Apply(PipelineHarness harness, long now, params IpVerdict[] verdicts) =>
        harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now, verdicts, Baseline), AskTimeout);

    private static async Task<OffenderRecord?> Offender(PipelineHarness harness, string ip) =>
        (await harness.Enforcement.Ask<OffenderInfo>(new GetOffender(IpKey.Parse(ip)), AskTimeout)).Record;

    [Fact]
    public async Task Ban_ladder_position_and_pending_unban_survive_a_restart_and_the_unban_comes_at_its_event_time()
    {
        var floodStart = Start + 120;
        AuditEvent ban;
        OffenderRecord before;
        await using (var first = await PipelineHarness.StartAsync(ledger: _db.Persistence()))
        {
            foreach (var second in Seconds(Start, Start + 150, extra: s => s >= floodStart ? Flood(Attacker, s, 200) : []))
                await first.FeedAsync(second);
            ban = Assert.Single(await first.AuditEventsAsync(), e => e.Action == AuditAction.Ban);
            before = (await Offender(first, Attacker))!;
        }

        await using var restarted = await PipelineHarness.StartAsync(ledger: _db.Persistence());
        Assert.Equal(before, await Offender(restarted, Attacker));
        Assert.Equal(new OffenderRecord(IpKey.Parse(Attacker), 1, ban.At, ban.At, ban.At, ban.At + 600, ban.Condition), before);

        foreach (var second in Seconds(Start + 150, ban.At + 700)) await restarted.FeedAsync(second);

        var events = await restarted.AuditEventsAsync();
        var unban = Assert.Single(events, e => e.Action == AuditAction.Unban);
        Assert.Equal((Attacker, ban.At + 600, "expired", "600s"), (unban.Subject, unban.At, unban.Condition, unban.Duration));
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Ban);
        Assert.Equal([("unban", IpKey.Parse(Attacker))], restarted.Firewall.Calls.Select(c => (c.Action, c.Ip)));
        Assert.Equal(1, (await Offender(restarted, Attacker))!.Offences);
    }

    [Theory]
    [InlineData(1000)] // from the journaled events
    [InlineData(2)]    // from a snapshot (format version 2, with range records)
    public async Task A_range_ban_survives_a_restart_and_reconcile_applies_it_again(int snapshotEvery)
    {
        var range = Detector.Enforcement.Firewall.BanTarget.Range(IpKey.Parse("2001:db8:66:1::"), 64);
        await using (var first = await PipelineHarness.StartAsync(ledger: _db.Persistence(snapshotEvery)))
        {
            await Apply(first, Start, Verdict("2001:db8:66:1::1", Start), Verdict("2001:db8:66:1::2", Start), Verdict("2001:db8:66:1::3", Start));
            if (snapshotEvery < 1000) await Eventually.True(() => _db.Count("snapshot") >= 1, TimeSpan.FromSeconds(20), "a ledger snapshot");
        }

        await using var restarted = await PipelineHarness.StartAsync(ledger: _db.Persistence(snapshotEvery));
        var recovered = Assert.Single((await restarted.Enforcement.Ask<BansSnapshot>(GetBans.Instance, AskTimeout, TestContext.Current.CancellationToken)).Ranges);
        Assert.Equal((range, Start + 600, 3), (recovered.Range, recovered.ExpiresAt, recovered.Members.Count));
        var firewall = await restarted.FirewallActorAsync();
        await firewall.Ask<FirewallReconciled>(ReconcileFirewall.Instance, AskTimeout, TestContext.Current.CancellationToken);
        Assert.Contains(restarted.Firewall.Reconciles, r => r.SequenceEqual([new Detector.Enforcement.Firewall.DesiredBan(range.Network, Start + 600, range)]));
        // Still its own entry after the restart: an address of the /64 is not banned on its own, and the range expires.
        Assert.Empty((await Apply(restarted, Start + 1, Verdict("2001:db8:66:1::9", Start + 1))).Events);
        Assert.Equal([new Detector.Enforcement.RangeUnbanned(range, Start + 600, "expired")], (await Apply(restarted, Start + 600)).Events);
    }

    [Fact]
    public async Task Fourth_offence_after_restarts_is_permanent()
    {
        var now = Start;
        var bans = new List<IpBanned>();
        for (var offence = 1; offence <= 4; offence++)
        {
            await using var harness = await PipelineHarness.StartAsync(ledger: _db.Persistence());
            var expired = await Apply(harness, now);
            if (offence > 1) Assert.Equal([new IpUnbanned(IpKey.Parse(Attacker), now, "expired")], expired.Events);

            var applied = await Apply(harness, now, Verdict(Attacker, now));
            bans.Add(Assert.IsType<IpBanned>(Assert.Single(applied.Events)));
            now = bans[^1].ExpiresAt ?? now;
        }

        Assert.Equal([1, 2, 3, 4], bans.Select(b => b.Offence));
        Assert.Equal([600L, 1800L, 7200L, null], bans.Select(b => b.ExpiresAt - b.At));
    }

    [Fact]
    public async Task Ledger_recovers_from_a_snapshot_plus_the_events_after_it()
    {
        string[] ips = ["203.0.113.1", "203.0.113.2", "2001:db8::3", "fe80::1:2:3:4", "203.0.113.5"];
        IReadOnlyList<OffenderRecord> before;
        await using (var first = await PipelineHarness.StartAsync(ledger: _db.Persistence(snapshotEvery: 2)))
        {
            for (var i = 0; i < ips.Length; i++) await Apply(first, Start + i, Verdict(ips[i], Start + i));
            before = (await first.Enforcement.Ask<BansSnapshot>(GetBans.Instance, AskTimeout)).Active;
            // Snapshots are written in the background; stopping earlier would only leave more events to replay.
            await Eventually.True(() => _db.Count("snapshot") >= 1, TimeSpan.FromSeconds(20), "a ledger snapshot");
        }

        await using var restarted = await PipelineHarness.StartAsync(ledger: _db.Persistence(snapshotEvery: 2));
        var after = (await restarted.Enforcement.Ask<BansSnapshot>(GetBans.Instance, AskTimeout)).Active;
        Assert.Equal(5, after.Count);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Ledger_file_is_in_the_data_dir_in_WAL_mode()
    {
        await using (var harness = await PipelineHarness.StartAsync(ledger: _db.Persistence()))
            await Apply(harness, Start, Verdict(Attacker, Start));

        Assert.True(File.Exists(_db.DatabasePath));
        Assert.Equal("wal", _db.JournalMode());
        Assert.Equal(1, _db.Count("journal"));
    }

    [Fact]
    public async Task Manual_ban_is_stored_like_any_other()
    {
        await using (var harness = await PipelineHarness.StartAsync(ledger: _db.Persistence()))
        {
            var result = await harness.Enforcement.Ask<ManualActionResult>(
                new BanManually(IpKey.Parse(Attacker), Timeout.InfiniteTimeSpan, Start), AskTimeout);
            Assert.True(result.Changed);
        }

        await using var restarted = await PipelineHarness.StartAsync(ledger: _db.Persistence());
        var record = await Offender(restarted, Attacker);
        Assert.NotNull(record);
        Assert.True(record.IsPermanent);
        Assert.Equal(OffenderLedger.ManualCondition, record.LastCondition);
    }

    [Fact]
    public async Task Detection_side_learns_the_recovered_bans_and_watches_them()
    {
        var options = new DetectorOptions();
        await using (var first = await PipelineHarness.StartAsync(options, _db.Persistence()))
            await Apply(first, Start + 100, Verdict(Attacker, Start + 100));

        await using var restarted = await PipelineHarness.StartAsync(options, _db.Persistence());
        // The attacker keeps flooding after the restart: its ban is known, so no verdict and no second BAN.
        foreach (var second in Seconds(Start + 101, Start + 200, extra: s => Flood(Attacker, s, 200)))
            await restarted.FeedAsync(second);

        var events = await restarted.AuditEventsAsync();
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Ban);
        Assert.Empty(restarted.Firewall.Calls);
        Assert.Equal(Attacker, Assert.Single(events, e => e.Action == AuditAction.BanIneffective).Subject);
    }
}

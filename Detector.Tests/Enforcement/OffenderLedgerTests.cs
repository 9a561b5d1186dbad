using Detector.Detection;
using Detector.Enforcement;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement;

public class OffenderLedgerTests
{
    private const long T0 = 1_777_472_669; // 2026-04-29T14:24:29Z
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    private static OffenderLedger NewLedger(TimeSpan? retention = null) => new(BanLadder.Default, retention ?? Month);

    private static IpVerdict Verdict(IpKey ip, long at) => new(ip, at, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static IpBanned Ban(OffenderLedger ledger, IpKey ip, long now)
    {
        var banned = Assert.IsType<IpBanned>(Assert.Single(ledger.DecideBan(Verdict(ip, now), now)));
        ledger.Apply(banned);
        return banned;
    }

    private static void ApplyExpiries(OffenderLedger ledger, long now) => ledger.Apply(ledger.DecideExpiries(now));

    [Fact]
    public void First_offence_is_banned_with_the_verdict_that_caused_it()
    {
        var ledger = NewLedger();

        var events = ledger.DecideBan(Verdict(Ip, T0), T0);

        Assert.Equal([new IpBanned(Ip, T0, 1, T0 + 600, "ip_zscore>3.0", 212.4, 11.2, 6.1)], events);
    }

    [Fact]
    public void First_offence_is_unbanned_after_ten_minutes()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);

        Assert.Empty(ledger.DecideExpiries(T0 + 599));
        Assert.Equal([new IpUnbanned(Ip, T0 + 600, "expired")], ledger.DecideExpiries(T0 + 600));
    }

    [Fact]
    public void Late_expiry_check_still_unbans_at_the_exact_expiry_time()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);

        Assert.Equal([new IpUnbanned(Ip, T0 + 600, "expired")], ledger.DecideExpiries(T0 + 5000));
    }

    [Fact]
    public void Unban_lifts_the_ban_but_keeps_the_offence_count()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);

        ApplyExpiries(ledger, T0 + 600);

        Assert.False(ledger.IsBanned(Ip));
        Assert.Empty(ledger.ActiveBans);
        Assert.Equal(new OffenderRecord(Ip, 1, T0, T0 + 600, null, null, "ip_zscore>3.0"), ledger.Offenders[Ip]);
    }

    [Fact]
    public void Offences_climb_the_ladder()
    {
        var ledger = NewLedger();
        long now = T0;
        var lengths = new List<long?>();
        for (var offence = 1; offence <= 3; offence++)
        {
            var banned = Ban(ledger, Ip, now);
            Assert.Equal(offence, banned.Offence);
            lengths.Add(banned.ExpiresAt - banned.At);
            now = banned.ExpiresAt!.Value;
            ApplyExpiries(ledger, now);
            now += 60;
        }

        Assert.Equal([600, 1800, 7200], lengths);
    }

    [Fact]
    public void Fourth_offence_is_permanent()
    {
        var ledger = NewLedger();
        long now = T0;
        for (var offence = 1; offence <= 3; offence++)
        {
            now = Ban(ledger, Ip, now).ExpiresAt!.Value;
            ApplyExpiries(ledger, now);
        }

        var fourth = Ban(ledger, Ip, now + 1);

        Assert.Equal(4, fourth.Offence);
        Assert.Null(fourth.ExpiresAt);
        Assert.True(ledger.Offenders[Ip].IsPermanent);
    }

    [Fact]
    public void Permanent_ban_never_expires_nor_is_forgotten()
    {
        var ledger = new OffenderLedger(BanLadder.Parse(["permanent"]), TimeSpan.FromDays(1));
        Ban(ledger, Ip, T0);

        Assert.Empty(ledger.DecideExpiries(T0 + 10L * 365 * 86400));
        Assert.True(ledger.IsBanned(Ip));
    }

    [Fact]
    public void Verdict_on_an_already_banned_ip_is_ignored()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);

        Assert.Empty(ledger.DecideBan(Verdict(Ip, T0 + 5), T0 + 5));
        Assert.Empty(ledger.DecideManualBan(Ip, T0 + 5, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Manual_ban_uses_the_given_duration()
    {
        var ledger = NewLedger();

        var events = ledger.DecideManualBan(Ip, T0, TimeSpan.FromMinutes(45));

        Assert.Equal([new IpBanned(Ip, T0, 1, T0 + 2700, "manual", 0, 0, 0)], events);
    }

    [Fact]
    public void Manual_ban_without_a_duration_follows_the_ladder()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);
        ApplyExpiries(ledger, T0 + 600);

        var banned = Assert.IsType<IpBanned>(Assert.Single(ledger.DecideManualBan(Ip, T0 + 700, null)));

        Assert.Equal((2, T0 + 700 + 1800, "manual"), (banned.Offence, banned.ExpiresAt, banned.Condition));
    }

    [Fact]
    public void Manual_ban_with_an_infinite_duration_is_permanent()
    {
        var banned = Assert.IsType<IpBanned>(Assert.Single(NewLedger().DecideManualBan(Ip, T0, Timeout.InfiniteTimeSpan)));

        Assert.Null(banned.ExpiresAt);
    }

    [Fact]
    public void Manual_ban_must_last_longer_than_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewLedger().DecideManualBan(Ip, T0, TimeSpan.Zero));
    }

    [Fact]
    public void Manual_unban_lifts_a_ban_and_the_next_offence_still_escalates()
    {
        var ledger = NewLedger();
        Ban(ledger, Ip, T0);

        var events = ledger.DecideManualUnban(Ip, T0 + 60);
        ledger.Apply(events);

        Assert.Equal([new IpUnbanned(Ip, T0 + 60, "manual")], events);
        Assert.False(ledger.IsBanned(Ip));
        Assert.Empty(ledger.DecideExpiries(T0 + 600));
        Assert.Equal(2, Ban(ledger, Ip, T0 + 120).Offence);
    }

    [Fact]
    public void Manual_unban_of_an_ip_that_is_not_banned_does_nothing()
    {
        var ledger = NewLedger();

        Assert.Empty(ledger.DecideManualUnban(Ip, T0));
    }

    [Fact]
    public void History_is_forgotten_after_the_retention_and_the_next_offence_is_a_first_one()
    {
        var ledger = NewLedger(TimeSpan.FromDays(1));
        Ban(ledger, Ip, T0);
        ApplyExpiries(ledger, T0 + 600);
        var unbannedAt = T0 + 600;

        Assert.Empty(ledger.DecideExpiries(unbannedAt + 86400));
        var forgetAt = unbannedAt + 86401;
        var events = ledger.DecideExpiries(forgetAt);
        ledger.Apply(events);

        Assert.Equal([new OffenderForgotten(Ip, forgetAt)], events);
        Assert.Empty(ledger.Offenders);
        Assert.Equal(1, Ban(ledger, Ip, forgetAt + 1).Offence);
    }

    [Fact]
    public void Stale_history_counts_as_forgotten_even_before_the_expiry_check_removes_it()
    {
        var ledger = NewLedger(TimeSpan.FromDays(1));
        Ban(ledger, Ip, T0);
        ApplyExpiries(ledger, T0 + 600);

        var again = Ban(ledger, Ip, T0 + 600 + 86401);

        Assert.Equal((1, T0 + 600 + 86401 + 600), (again.Offence, again.ExpiresAt));
        Assert.Equal(again.At, ledger.Offenders[Ip].FirstSeen);
    }

    [Fact]
    public void Retention_is_never_shorter_than_the_longest_tier()
    {
        var ladder = BanLadder.Parse(["10m", "5h", "permanent"]);
        var ledger = new OffenderLedger(ladder, TimeSpan.FromHours(1));
        Ban(ledger, Ip, T0);
        ApplyExpiries(ledger, T0 + 600);

        Assert.Equal(TimeSpan.FromHours(5), ledger.Retention);
        Assert.Empty(ledger.DecideExpiries(T0 + 600 + 2 * 3600));
        var second = Ban(ledger, Ip, T0 + 600 + 4 * 3600);
        Assert.Equal(2, second.Offence);
        Assert.Equal<long?>(5 * 3600, second.ExpiresAt - second.At);
    }

    [Fact]
    public void Expiry_and_forgetting_can_happen_in_one_check_after_a_long_pause()
    {
        var ledger = NewLedger(TimeSpan.FromDays(1));
        Ban(ledger, Ip, T0);
        var now = T0 + 3 * 86400;

        var events = ledger.DecideExpiries(now);
        ledger.Apply(events);

        Assert.Equal([new IpUnbanned(Ip, T0 + 600, "expired"), new OffenderForgotten(Ip, now)], events);
        Assert.Empty(ledger.Offenders);
    }

    [Fact]
    public void Simultaneous_expiries_come_out_ordered_by_time_then_ip_whatever_the_ban_order()
    {
        var ips = new[] { "198.51.100.7", "10.0.0.1", "2001:db8::1", "192.0.2.200", "10.0.0.2" }.Select(IpKey.Parse).ToArray();
        var expected = (IReadOnlyList<LedgerEvent>?)null;
        var random = new Random(3);
        for (var run = 0; run < 20; run++)
        {
            var ledger = NewLedger();
            foreach (var ip in ips.OrderBy(_ => random.Next()))
                Ban(ledger, ip, ip == ips[0] ? T0 - 1 : T0); // one ban expires a second earlier

            var events = ledger.DecideExpiries(T0 + 3600);

            expected ??= events;
            Assert.Equal(expected, events);
        }

        Assert.NotNull(expected);
        Assert.Equal(
            ["198.51.100.7", "10.0.0.1", "10.0.0.2", "192.0.2.200", "2001:db8::1"],
            expected.Select(e => e.Ip.ToString()));
        Assert.Equal([T0 + 599, T0 + 600, T0 + 600, T0 + 600, T0 + 600], expected.Select(e => e.At));
    }

    [Fact]
    public void Active_bans_are_ordered_by_ip()
    {
        var ledger = NewLedger();
        foreach (var ip in new[] { "192.0.2.9", "10.1.1.1", "172.16.0.1" }) Ban(ledger, IpKey.Parse(ip), T0);

        Assert.Equal(["10.1.1.1", "172.16.0.1", "192.0.2.9"], ledger.ActiveBans.Select(r => r.Ip.ToString()));
    }

    [Fact]
    public void Decisions_do_not_change_the_ledger()
    {
        var ledger = NewLedger(TimeSpan.FromDays(1));
        var other = IpKey.Parse("198.51.100.1");
        Ban(ledger, Ip, T0);
        Ban(ledger, other, T0);
        ledger.Apply(ledger.DecideManualUnban(other, T0 + 1));
        var before = ledger.Records;

        ledger.DecideBan(Verdict(other, T0 + 2), T0 + 2);
        ledger.DecideManualBan(IpKey.Parse("192.0.2.1"), T0 + 2, null);
        ledger.DecideManualUnban(Ip, T0 + 2);
        ledger.DecideExpiries(T0 + 10 * 86400);

        Assert.Equal(before, ledger.Records);
    }

    [Fact]
    public void Random_offences_agree_with_a_reference_ladder_walk()
    {
        var random = new Random(11);
        var ladder = BanLadder.Parse(["10m", "30m", "2h"]);
        const long retention = 86400;
        var ledger = new OffenderLedger(ladder, TimeSpan.FromSeconds(retention));
        var ips = Enumerable.Range(1, 8).Select(i => IpKey.FromV4(0x0A000000u + (uint)i)).ToArray();
        var reference = ips.ToDictionary(ip => ip, _ => (Offences: 0, ExpiresAt: (long?)null, LastSeen: 0L));
        long now = T0;
        var forgottenSeen = false;
        for (var step = 0; step < 3000; step++)
        {
            now += random.Next(20) == 0 ? random.Next(1, 3 * (int)retention) : random.Next(1, 900);
            foreach (var key in ips)
            {
                var r = reference[key];
                if (r.ExpiresAt <= now) r = (r.Offences, null, r.ExpiresAt.Value);
                if (r.ExpiresAt is null && r.Offences > 0 && r.LastSeen < now - retention) { r = (0, null, 0); forgottenSeen = true; }
                reference[key] = r;
            }
            ApplyExpiries(ledger, now);

            var ip = ips[random.Next(ips.Length)];
            var events = ledger.DecideBan(Verdict(ip, now), now);
            ledger.Apply(events);

            var expected = reference[ip];
            if (expected.ExpiresAt is not null) { Assert.Empty(events); continue; }
            var offence = expected.Offences + 1;
            var expiresAt = now + (long)ladder.DurationFor(offence)!.Value.TotalSeconds;
            reference[ip] = (offence, expiresAt, now);
            Assert.Equal(new IpBanned(ip, now, offence, expiresAt, "ip_zscore>3.0", 212.4, 11.2, 6.1), Assert.Single(events));
        }
        Assert.True(forgottenSeen);
    }

    [Fact]
    public void Exempt_bans_are_lifted_with_their_history_kept()
    {
        var ledger = NewLedger();
        var exempt = IpKey.Parse("0.0.0.0");
        ledger.Apply(new IpBanned(exempt, T0, 1, T0 + 600, "ip_zscore>3.0", 1, 1, 1));
        Ban(ledger, Ip, T0);

        var events = ledger.DecideLiftExempt(T0 + 5, ip => ip == exempt);
        ledger.Apply(events);

        Assert.Equal([new IpUnbanned(exempt, T0 + 5, OffenderLedger.ExemptReason)], events);
        Assert.False(ledger.IsBanned(exempt));
        Assert.Equal(1, ledger.Offenders[exempt].Offences);
        Assert.True(ledger.IsBanned(Ip));
    }

    [Fact]
    public void A_stored_expiry_beyond_year_9999_is_read_as_permanent()
    {
        var ledger = NewLedger();
        ledger.Apply(new IpBanned(Ip, T0, 1, T0 + 922_337_203_685, "manual", 0, 0, 0));
        var restored = OffenderLedger.Restore(BanLadder.Default, Month, new OffenderLedgerSnapshot(
            [new OffenderSnapshotEntry("198.51.100.1", 1, T0, T0, T0, long.MaxValue, "manual")]));

        Assert.True(ledger.Offenders[Ip].IsPermanent);
        Assert.True(restored.Offenders[IpKey.Parse("198.51.100.1")].IsPermanent);
        Assert.Empty(ledger.DecideExpiries(long.MaxValue / 2));
    }

    [Fact]
    public void A_manual_ban_beyond_ten_years_is_refused_by_the_ledger_too()
    {
        var ledger = NewLedger();

        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.DecideManualBan(Ip, T0, TimeSpan.FromDays(3651)));
        Assert.Single(ledger.DecideManualBan(Ip, T0, TimeSpan.FromDays(3650)));
    }
}

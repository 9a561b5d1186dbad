using Detector.Audit;
using Detector.Enforcement;
using Detector.Domain;

namespace Detector.Tests.Audit;

/// <summary>Every kind of <see cref="DetectorEvent"/> to its exact audit line (<see cref="AuditEvent.Of"/>).</summary>
public class AuditLineFormatterTests
{
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private static readonly long T = DateTimeOffset.Parse("2026-04-29T14:24:29Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    public static TheoryData<string, DetectorEvent, string> Lines => new()
    {
        {
            "ban", new BanImposed(T, Ip, 1, T + 600, "ip_zscore>3.0", 212.4, 11.2, 6.1),
            "[2026-04-29T14:24:29Z] BAN 203.0.113.9 | ip_zscore>3.0 | 212.4 req/s | mean=11.2 std=6.1 | 600s"
        },
        {
            "permanent ban", new BanImposed(T, IpKey.Parse("2001:DB8::1"), 4, null, "manual", 0, 0, 0),
            "[2026-04-29T14:24:29Z] BAN 2001:db8::1 | manual | 0.0 req/s | mean=0.0 std=0.0 | permanent"
        },
        {
            "unban", new BanLifted(T + 600, Ip, "expired", 600, 0, 11.0, 6.04),
            "[2026-04-29T14:34:29Z] UNBAN 203.0.113.9 | expired | 0.0 req/s | mean=11.0 std=6.0 | 600s"
        },
        {
            "unban of a permanent ban", new BanLifted(T, Ip, "manual", null, 0, 0, 0),
            "[2026-04-29T14:24:29Z] UNBAN 203.0.113.9 | manual | 0.0 req/s | mean=0.0 std=0.0 | permanent"
        },
        {
            "global alert", new GlobalAlertRaised(T + 101, "global_rate>5.0x_mean", 88.0, 12.9, 5.8),
            "[2026-04-29T14:26:10Z] ALERT global | global_rate>5.0x_mean | 88.0 req/s | mean=12.9 std=5.8 | -"
        },
        {
            "ban ineffective", new BanIneffective(T + 120, Ip, T, T + 1800, 4823, 40.19, 11.2, 6.1),
            "[2026-04-29T14:26:29Z] BAN_INEFFECTIVE 203.0.113.9 | lines_after_ban=4823 | 40.2 req/s | mean=11.2 std=6.1 | 1800s"
        },
        {
            "permanent ban ineffective", new BanIneffective(T + 120, Ip, T, null, 7, 0.06, 0, 0),
            "[2026-04-29T14:26:29Z] BAN_INEFFECTIVE 203.0.113.9 | lines_after_ban=7 | 0.1 req/s | mean=0.0 std=0.0 | permanent"
        },
        {
            "ban failed", new FirewallFailed(T, FirewallOperation.Ban, Ip, "ipset exited 1", 600),
            "[2026-04-29T14:24:29Z] BAN_FAILED 203.0.113.9 | ipset exited 1 | 0.0 req/s | - | 600s"
        },
        {
            "permanent ban failed", new FirewallFailed(T, FirewallOperation.Ban, Ip, "ipset exited 1", null),
            "[2026-04-29T14:24:29Z] BAN_FAILED 203.0.113.9 | ipset exited 1 | 0.0 req/s | - | permanent"
        },
        {
            "unban failed", new FirewallFailed(T, FirewallOperation.Unban, Ip, "timeout / pipe", null),
            "[2026-04-29T14:24:29Z] UNBAN_FAILED 203.0.113.9 | timeout / pipe | 0.0 req/s | - | -"
        },
        {
            "reconcile failed", new FirewallFailed(T, FirewallOperation.Reconcile, null, "ipset restore exit 1", null),
            "[2026-04-29T14:24:29Z] RECONCILE_FAILED - | ipset restore exit 1 | 0.0 req/s | - | -"
        },
        {
            "baseline", new BaselineRecomputed(new BaselineSnapshot(T + 31, 12.9, 5.8, 2.1, 0.031, 1.0, 2.0, 1800, "14h", true), 13.1),
            "[2026-04-29T14:25:00Z] BASELINE - | recompute | 13.1 req/s | mean=12.9 std=5.8 err=0.031 slot=14h | -"
        },
        {
            "baseline without a slot", new BaselineRecomputed(new BaselineSnapshot(T + 31, 12.94, 5.85, 2.1, 0.0314, 1.0, 2.0, 1800, "", false), 0),
            "[2026-04-29T14:25:00Z] BASELINE - | recompute | 0.0 req/s | mean=12.9 std=5.8 err=0.031 slot=- | -"
        },
        {
            "allowlisted", new AnomalyAllowlisted(T, new IpVerdict(Ip, T - 1, "ip_rate>5.0x_mean", 55.55, 11.2, 6.1), "trusted_proxy"),
            "[2026-04-29T14:24:29Z] ALLOWLISTED 203.0.113.9 | ip_rate>5.0x_mean | 55.5 req/s | mean=11.2 std=6.1 | trusted_proxy"
        },
        {
            "refused, stored", new BanRefused(T, IpKey.Parse("0.0.0.0"), BanSource.Ledger, "unspecified"),
            "[2026-04-29T14:24:29Z] BAN_REFUSED 0.0.0.0 | ledger | 0.0 req/s | - | unspecified"
        },
        {
            "refused, manual", new BanRefused(T, Ip, BanSource.Manual, "allowlist=203.0.113.0/24"),
            "[2026-04-29T14:24:29Z] BAN_REFUSED 203.0.113.9 | manual | 0.0 req/s | - | allowlist=203.0.113.0/24"
        },
        {
            "account attacked", new AccountAttacked(T, "alice", "acct-2bd806c9", "account_failed_logins>=12/900s_networks>=6", 40, 17, 15, 3, 900),
            "[2026-04-29T14:24:29Z] ALERT account:acct-2bd806c9 | account_failed_logins>=12/900s_networks>=6 | 0.0 req/s | failures=40 addresses=17 networks=15 max_per_address=3 | user=\"alice\""
        },
        {
            "account attacked, hostile name", new AccountAttacked(T, "a | b\"\\\u202E\n\u00A0", "acct-00000000", "c", 900, 1, 1, 1, 900),
            "[2026-04-29T14:24:29Z] ALERT account:acct-00000000 | c | 1.0 req/s | failures=900 addresses=1 networks=1 max_per_address=1 | user=\"a \\u007C b\\u0022\\u005C\\u202E\\u000A\\u00A0\""
        },
        {
            "account attacked, name withheld", new AccountAttacked(T, "alice", "acct-2bd806c9", "c", 12, 6, 6, 2, 900).WithoutAccountName(),
            "[2026-04-29T14:24:29Z] ALERT account:acct-2bd806c9 | c | 0.0 req/s | failures=12 addresses=6 networks=6 max_per_address=2 | user=withheld"
        },
        {
            "range ban", new RangeBanImposed(T, Cidr.Parse("2001:db8:0:1::/64"), 1, T + 600, "range>=3/600s", V6Members(3), 11.2, 6.1),
            "[2026-04-29T14:24:29Z] BAN_RANGE 2001:db8:0:1::/64 | range>=3/600s members=2001:db8:0:1::1,2001:db8:0:1::2,2001:db8:0:1::3 | 0.0 req/s | mean=11.2 std=6.1 | 600s"
        },
        {
            "permanent IPv4 range ban with more members than are shown", new RangeBanImposed(T, Cidr.Parse("203.0.113.0/24"), 4, null, "range>=3/600s",
                [.. Enumerable.Range(1, 10).Select(i => IpKey.Parse($"203.0.113.{i}"))], 0, 0),
            "[2026-04-29T14:24:29Z] BAN_RANGE 203.0.113.0/24 | range>=3/600s members=203.0.113.1,203.0.113.2,203.0.113.3,203.0.113.4,203.0.113.5,203.0.113.6,203.0.113.7,203.0.113.8,+2 | 0.0 req/s | mean=0.0 std=0.0 | permanent"
        },
        {
            "range unban", new RangeBanLifted(T + 600, Cidr.Parse("2001:db8:0:1::/64"), "manual", 600, V6Members(3), 11.0, 6.0),
            "[2026-04-29T14:34:29Z] UNBAN_RANGE 2001:db8:0:1::/64 | manual members=2001:db8:0:1::1,2001:db8:0:1::2,2001:db8:0:1::3 | 0.0 req/s | mean=11.0 std=6.0 | 600s"
        },
        {
            "range refused", new RangeBanRefused(T, Cidr.Parse("198.51.100.0/24"), BanSource.Range,
                [IpKey.Parse("198.51.100.7"), IpKey.Parse("198.51.100.8"), IpKey.Parse("198.51.100.9")], "allowlist=198.51.100.10/32"),
            "[2026-04-29T14:24:29Z] BAN_REFUSED 198.51.100.0/24 | range members=198.51.100.7,198.51.100.8,198.51.100.9 | 0.0 req/s | - | allowlist=198.51.100.10/32"
        },
    };

    private static IpKey[] V6Members(int count) => [.. Enumerable.Range(1, count).Select(i => IpKey.Parse($"2001:db8:0:1::{i}"))];

    [Theory]
    [MemberData(nameof(Lines))]
    public void Each_event_has_its_exact_audit_line(string kind, DetectorEvent e, string line)
    {
        Assert.NotNull(kind);
        var audit = AuditEvent.Of(e);

        Assert.Equal(line, audit.Format());
        Assert.Equal(AuditAction.Of(e), audit.Action);
        Assert.Equal(e.At, audit.At);
        Assert.Equal(line, AuditEvent.TryParse(line)?.Format());
    }

    [Fact]
    public void Every_kind_of_event_is_covered()
    {
        var kinds = typeof(DetectorEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DetectorEvent))).ToHashSet();
        var covered = Lines.Select(row => row.Data.Item2.GetType()).ToHashSet();

        Assert.Equal(kinds.OrderBy(t => t.Name), covered.OrderBy(t => t.Name));
    }

    [Fact]
    public void Lines_are_invariant_whatever_the_current_culture()
    {
        using var _ = CultureScope.German();

        foreach (var row in Lines)
            Assert.Equal(row.Data.Item3, AuditEvent.Of(row.Data.Item2).Format());
    }

    [Fact]
    public void Ledger_and_ban_check_results_become_the_events_with_the_same_figures()
    {
        var banned = new IpBanned(Ip, T, 2, T + 1800, "ip_zscore>3.0", 212.4, 11.2, 6.1);
        var unbanned = new IpUnbanned(Ip, T + 1800, "expired");
        var ineffective = new IneffectiveBan(Ip, T + 120, T, T + 1800, 4823, 40.19);

        Assert.Equal(new BanImposed(T, Ip, 2, T + 1800, "ip_zscore>3.0", 212.4, 11.2, 6.1), banned.ToEvent());
        Assert.Equal(1800, banned.ToEvent().DurationSeconds);
        Assert.Equal(new BanLifted(T + 1800, Ip, "expired", 1800, 0, 1, 2), unbanned.ToEvent(1800, 0, 1, 2));
        Assert.Equal(new BanIneffective(T + 120, Ip, T, T + 1800, 4823, 40.19, 1, 2), ineffective.ToEvent(1, 2));
    }
}

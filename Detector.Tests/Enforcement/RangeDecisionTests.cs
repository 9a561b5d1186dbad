using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement;

/// <summary>The range decision core: <see cref="RangePolicy.Due"/> (N bans of one network within T, in event time) and
/// the ledger's range records (<see cref="OffenderLedger.DecideRangeBan"/>: folded members, its own ladder, expiry,
/// unban, retention).</summary>
public sealed class RangeDecisionTests
{
    private const long T0 = 1_777_472_669;
    private static readonly RangePolicy Policy = new(new RangeRule(64, 3, 600), new RangeRule(24, 3, 600));
    private static readonly BanTarget V6Range = BanTarget.Range(IpKey.Parse("2001:db8:1:2::"), 64);

    private static IpKey V6(int i) => IpKey.Parse($"2001:db8:1:2::{i:x}");

    private static OffenderLedger NewLedger() => new(BanLadder.Default, TimeSpan.FromDays(30));

    private static void Ban(OffenderLedger ledger, IpKey ip, long at) =>
        ledger.Apply(ledger.DecideBan(new IpVerdict(ip, at, "ip_zscore>3.0", 212.4, 11.2, 6.1), at));

    private static IReadOnlyList<RangeCandidate> Due(OffenderLedger ledger, long now, params IpKey[] justBanned) =>
        Policy.Due(justBanned, ledger.Offenders.Values, now, ledger.IsRangeBanned);

    /// <summary>Bans each address and applies what the range rule then decides, as the enforcement actor does.</summary>
    private static IReadOnlyList<LedgerEvent> BanAndDecide(OffenderLedger ledger, long now, params IpKey[] ips)
    {
        foreach (var ip in ips) Ban(ledger, ip, now);
        var events = Due(ledger, now, ips).SelectMany(c => ledger.DecideRangeBan(c, now)).ToList();
        ledger.Apply(events);
        return events;
    }

    [Fact]
    public void Three_bans_in_one_slash_64_within_the_window_make_it_due_with_every_member()
    {
        var ledger = NewLedger();
        Ban(ledger, V6(1), T0);
        Ban(ledger, V6(2), T0 + 100);
        Assert.Empty(Due(ledger, T0 + 100, V6(2)));

        Ban(ledger, V6(3), T0 + 200);

        Assert.Equal([new RangeCandidate(V6Range, [V6(1), V6(2), V6(3)], "range>=3/600s")], Due(ledger, T0 + 200, V6(3)));
    }

    [Theory]
    [InlineData(600, true)]   // the first ban began exactly T ago: inside the window
    [InlineData(601, false)]  // one second more: outside
    public void The_window_includes_its_edge(long age, bool due)
    {
        var ledger = NewLedger();
        Ban(ledger, V6(1), T0);
        Ban(ledger, V6(2), T0 + age);
        Ban(ledger, V6(3), T0 + age);

        Assert.Equal(due, Due(ledger, T0 + age, V6(3)).Count == 1);
    }

    [Fact]
    public void An_expired_member_ban_does_not_count()
    {
        var ledger = NewLedger();
        Ban(ledger, V6(1), T0);
        ledger.Apply(ledger.DecideExpiries(T0 + 600));
        Ban(ledger, V6(2), T0 + 600);
        Ban(ledger, V6(3), T0 + 600);

        Assert.Empty(Due(ledger, T0 + 600, V6(3)));
    }

    [Fact]
    public void Addresses_of_different_slash_64s_do_not_add_up()
    {
        var ledger = NewLedger();
        IpKey[] spread = [IpKey.Parse("2001:db8:1:2::1"), IpKey.Parse("2001:db8:1:3::1"), IpKey.Parse("2001:db8:1:4::1")];
        foreach (var ip in spread) Ban(ledger, ip, T0);

        Assert.Empty(Due(ledger, T0, spread));
    }

    [Fact]
    public void IPv4_ranges_are_off_by_default_and_a_slash_24_is_due_when_on()
    {
        IpKey[] block = [IpKey.Parse("203.0.113.7"), IpKey.Parse("203.0.113.90"), IpKey.Parse("203.0.113.201")];
        var ledger = NewLedger();
        foreach (var ip in block) Ban(ledger, ip, T0);

        var defaults = RangePolicy.From(new EnforcementOptions());
        Assert.Null(defaults.Ipv4);
        Assert.Equal(new RangeRule(64, 3, 600), defaults.Ipv6);
        Assert.Empty(defaults.Due(block, ledger.Offenders.Values, T0, ledger.IsRangeBanned));

        var on = RangePolicy.From(new EnforcementOptions { Ipv4Range = { Enabled = true, PrefixLength = 24, MinAddresses = 3, WindowSeconds = 60 } });
        var due = Assert.Single(on.Due(block, ledger.Offenders.Values, T0, ledger.IsRangeBanned));
        Assert.Equal(("203.0.113.0/24", "range>=3/60s"), (due.Range.ToString(), due.Condition));
        Assert.Equal(block, due.Members);
    }

    [Fact]
    public void A_range_ban_folds_its_members_bans_into_one_entry_with_its_own_ladder()
    {
        var ledger = NewLedger();

        var events = BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));

        Assert.Equal(
            [
                new RangeBanned(V6Range, T0, 1, T0 + 600, "range>=3/600s", [V6(1), V6(2), V6(3)]),
                new IpUnbanned(V6(1), T0, OffenderLedger.FoldedReason),
                new IpUnbanned(V6(2), T0, OffenderLedger.FoldedReason),
                new IpUnbanned(V6(3), T0, OffenderLedger.FoldedReason),
            ],
            events);
        Assert.Equal([V6Range], ledger.ActiveRanges.Select(r => r.Range));
        Assert.Empty(ledger.ActiveBans);
        // Members and any other address of the /64 are banned through the range; nothing outside it.
        Assert.True(ledger.IsBanned(V6(1)));
        Assert.True(ledger.IsBanned(IpKey.Parse("2001:db8:1:2:ffff::9")));
        Assert.False(ledger.IsBanned(IpKey.Parse("2001:db8:1:3::1")));
        Assert.Empty(ledger.DecideBan(new IpVerdict(V6(9), T0 + 1, "ip_zscore>3.0", 1, 1, 1), T0 + 1));
        Assert.Equal(1, ledger.Offenders[V6(1)].Offences); // a member's own history stays
        Assert.Equal(T0 + 600, ledger.NextExpiry);
    }

    [Fact]
    public void A_range_climbs_its_own_ladder_on_its_next_ban()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));
        var expired = ledger.DecideExpiries(T0 + 600);
        Assert.Equal([new RangeUnbanned(V6Range, T0 + 600, OffenderLedger.ExpiredReason)], expired);
        ledger.Apply(expired);
        Assert.False(ledger.IsBanned(V6(1)));

        var again = BanAndDecide(ledger, T0 + 700, V6(4), V6(5), V6(6));

        var range = Assert.IsType<RangeBanned>(again[0]);
        Assert.Equal((2, T0 + 700 + 1800), (range.Offence, range.ExpiresAt));
    }

    [Fact]
    public void Unbanning_the_range_unbans_its_members()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));

        var events = ledger.DecideManualUnban(V6Range, T0 + 10);
        ledger.Apply(events);

        Assert.Equal([new RangeUnbanned(V6Range, T0 + 10, OffenderLedger.ManualReason)], events);
        Assert.All([V6(1), V6(2), V6(3)], m => Assert.False(ledger.IsBanned(m)));
        Assert.Empty(ledger.ActiveRanges);
        Assert.Empty(ledger.ActiveBans);
        Assert.Empty(ledger.DecideManualUnban(V6Range, T0 + 11));
        // A member unbanned on its own is not banned any more: the address alone cannot be unbanned.
        Assert.Empty(ledger.DecideManualUnban(V6(1), T0 + 11));
    }

    [Fact]
    public void An_address_banned_through_its_range_alone_is_not_unbanned_on_its_own()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));

        Assert.Empty(ledger.DecideManualUnban(V6(1), T0 + 1));
        Assert.Equal(V6Range, ledger.CoveringRange(V6(1))?.Range);
    }

    [Fact]
    public void A_range_already_banned_is_not_due_again()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));
        Ban(ledger, IpKey.Parse("2001:db8:1:2::10"), T0 + 1);

        Assert.Empty(Due(ledger, T0 + 1, IpKey.Parse("2001:db8:1:2::10")));
    }

    [Fact]
    public void A_range_that_may_no_longer_be_banned_is_lifted_and_its_history_forgotten_after_the_retention()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));

        var lifted = ledger.DecideLiftExemptRanges(T0 + 5, range => range == V6Range);
        ledger.Apply(lifted);
        Assert.Equal([new RangeUnbanned(V6Range, T0 + 5, OffenderLedger.ExemptReason)], lifted);

        var later = T0 + 5 + (long)TimeSpan.FromDays(30).TotalSeconds + 1;
        Assert.Contains(new RangeForgotten(V6Range, later), ledger.DecideExpiries(later));
    }

    [Fact]
    public void Range_records_survive_a_snapshot()
    {
        var ledger = NewLedger();
        BanAndDecide(ledger, T0, V6(1), V6(2), V6(3));

        var restored = OffenderLedger.Restore(BanLadder.Default, TimeSpan.FromDays(30), ledger.ToSnapshot());

        var range = Assert.Single(restored.ActiveRanges);
        Assert.Equal((V6Range, T0 + 600), (range.Range, range.ExpiresAt));
        Assert.Equal([V6(1), V6(2), V6(3)], range.Members);
        Assert.True(restored.IsBanned(V6(7)));
    }

    [Theory]
    [InlineData("2001:db8::/64", "2001:db8::/64")]
    [InlineData("2001:db8::5/64", "2001:db8::/64")]
    [InlineData("203.0.113.9/24", "203.0.113.0/24")]
    public void Ranges_as_operators_type_them(string text, string range)
    {
        Assert.True(BanTarget.TryParseRange(text, out var parsed));
        Assert.Equal(range, parsed.ToString());
    }

    [Theory]
    [InlineData("2001:db8::")]
    [InlineData("2001:db8::/")]
    [InlineData("2001:db8::/129")]
    [InlineData("203.0.113.0/33")]
    [InlineData("010.0.0.0/8")]
    [InlineData("2001:db8::/+64")]
    [InlineData("2001:db8::/ 64")]
    [InlineData("/64")]
    public void Not_a_range(string text) => Assert.False(BanTarget.TryParseRange(text, out _));
}

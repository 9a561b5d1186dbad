using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement.Firewall;

public class ReconciliationTests
{
    private const long Now = 1_777_472_669;

    private static BanTarget T(string ip, int v6Prefix = 128) => BanTarget.For(IpKey.Parse(ip), v6Prefix);

    [Fact]
    public void Active_bans_missing_from_the_kernel_are_added_with_their_remaining_time()
    {
        var desired = Reconciliation.DesiredTargets([new DesiredBan(IpKey.Parse("192.0.2.1"), Now + 90), new DesiredBan(IpKey.Parse("192.0.2.2"), null)], Now);

        var diff = Reconciliation.Diff(desired, []);

        Assert.Equal([new TargetEntry(T("192.0.2.1"), 90), new TargetEntry(T("192.0.2.2"), null)], diff.ToAdd);
        Assert.Empty(diff.ToRemove);
    }

    [Fact]
    public void Entries_the_ledger_does_not_know_or_whose_ban_has_expired_are_removed()
    {
        var desired = Reconciliation.DesiredTargets(
            [new DesiredBan(IpKey.Parse("192.0.2.1"), Now + 90), new DesiredBan(IpKey.Parse("192.0.2.3"), Now)], Now);

        var diff = Reconciliation.Diff(desired, [T("192.0.2.1"), T("192.0.2.3"), T("198.51.100.7")]);

        Assert.Empty(diff.ToAdd);
        Assert.Equal([T("192.0.2.3"), T("198.51.100.7")], diff.ToRemove);
    }

    [Fact]
    public void A_kernel_that_already_matches_needs_nothing()
    {
        var desired = Reconciliation.DesiredTargets([new DesiredBan(IpKey.Parse("2001:db8::1"), null)], Now);

        Assert.True(Reconciliation.Diff(desired, [T("2001:db8::1")]).IsEmpty);
    }

    [Fact]
    public void With_an_ipv6_prefix_bans_in_one_network_share_an_entry_that_lasts_as_long_as_the_longest()
    {
        var desired = Reconciliation.DesiredTargets(
            [
                new DesiredBan(IpKey.Parse("2001:db8:0:1::a"), Now + 60, T("2001:db8:0:1::a", 64)),
                new DesiredBan(IpKey.Parse("2001:db8:0:1::b"), Now + 600, T("2001:db8:0:1::b", 64)),
                new DesiredBan(IpKey.Parse("2001:db8:0:2::a"), Now + 60, T("2001:db8:0:2::a", 64)),
                new DesiredBan(IpKey.Parse("2001:db8:0:2::b"), null, T("2001:db8:0:2::b", 64)),
                new DesiredBan(IpKey.Parse("192.0.2.1"), Now + 60, T("192.0.2.1", 64)),
            ], Now);

        Assert.Equal(
            new Dictionary<BanTarget, long?>
            {
                [T("2001:db8:0:1::", 64)] = 600,
                [T("2001:db8:0:2::", 64)] = null,
                [T("192.0.2.1")] = 60,
            },
            desired);
        Assert.Equal("2001:db8:0:1::/64", T("2001:db8:0:1::ff", 64).ToString());
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9", 32)]
    [InlineData("203.0.113.9/32", "203.0.113.9", 32)]
    [InlineData("2001:db8::1/128", "2001:db8::1", 128)]
    [InlineData("2001:db8:1:2::/64", "2001:db8:1:2::/64", 64)]
    [InlineData("10.1.2.0/24", "10.1.2.0/24", 24)]
    public void Kernel_listings_parse_to_targets(string text, string rendered, int prefix)
    {
        Assert.True(BanTarget.TryParse(text, out var target));
        Assert.Equal(rendered, target.ToString());
        Assert.Equal(prefix, target.PrefixLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.1/33")]
    [InlineData("fe80::1%eth0")]
    public void Anything_else_in_a_listing_is_not_a_target(string text) => Assert.False(BanTarget.TryParse(text, out _));
}

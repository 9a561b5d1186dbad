using Detector.Domain;
using Detector.Enforcement;

namespace Detector.Tests.Pipeline;

/// <summary>The coordinator's copy of the active bans (effectiveness: Enforcement/BanMirrorTests).</summary>
public sealed class BanMirrorStateTests
{
    private static readonly IpKey A = IpKey.Parse("203.0.113.1");
    private static readonly IpKey B = IpKey.Parse("203.0.113.2");

    [Fact]
    public void Starts_from_what_enforcement_recovered()
    {
        var state = new EnforcementState(
            [new OffenderRecord(A, 1, 100, 100, 100, 700, "ip_rate"), new OffenderRecord(B, 2, 50, 200, null, null, "x")],
            NextExpiry: 700, FirewallEnforces: true);

        var mirror = BanMirror.From(state, graceSeconds: 5);

        Assert.True(mirror.IsBanned(A));
        Assert.False(mirror.IsBanned(B));
        Assert.Equal(699, mirror.FirstSecondWithExpiryDue);
        Assert.False(mirror.ExpiryDue(699));
        Assert.True(mirror.ExpiryDue(700));
    }

    [Fact]
    public void A_range_ban_covers_every_address_of_its_network_and_is_watched_as_one_ban()
    {
        var slash64 = Detector.Enforcement.Firewall.BanTarget.Range(IpKey.Parse("2001:db8:1:2::"), 64);
        var slash24 = Detector.Enforcement.Firewall.BanTarget.Range(IpKey.Parse("198.51.100.0"), 24);
        var recovered = new EnforcementState([], NextExpiry: null, FirewallEnforces: true)
        {
            ActiveRanges = [new RangeRecord(slash24, 1, 100, 100, 100, null, "range>=3/600s", [])],
        };
        var mirror = BanMirror.From(recovered, graceSeconds: 5);

        mirror.Apply([new RangeBanned(slash64, 100, 1, 700, "range>=3/600s", [])], 700);

        Assert.True(mirror.IsBanned(IpKey.Parse("2001:db8:1:2:ffff::1")));
        Assert.True(mirror.IsBanned(IpKey.Parse("198.51.100.77")));
        Assert.False(mirror.IsBanned(IpKey.Parse("2001:db8:1:3::1")));
        Assert.False(mirror.IsBanned(IpKey.Parse("198.51.101.1")));
        // Lines from two addresses of the /64 add up to one report for the range's ban.
        Assert.Null(mirror.Observe(IpKey.Parse("2001:db8:1:2::5"), 103, 10));
        var report = mirror.Observe(IpKey.Parse("2001:db8:1:2::6"), 105, 10);
        Assert.Equal((20L, 100L), (report?.LinesAfterBan, report?.BannedAt));
        Assert.Null(mirror.Observe(IpKey.Parse("2001:db8:1:2::7"), 106, 10));

        mirror.Apply([new RangeUnbanned(slash64, 700, "expired")], null);
        Assert.False(mirror.IsBanned(IpKey.Parse("2001:db8:1:2::5")));
        Assert.True(mirror.IsBanned(IpKey.Parse("198.51.100.77")));
    }

    [Fact]
    public void Follows_the_bans_and_unbans_enforcement_applied()
    {
        var mirror = new BanMirror(5, firewallEnforces: true);

        mirror.Apply([new IpBanned(A, 100, 1, 700, "ip_rate", 10, 1, 1), new IpBanned(B, 100, 1, 800, "ip_rate", 10, 1, 1)], nextExpiry: 700);
        mirror.Apply([new IpUnbanned(A, 700, "expired"), new OffenderForgotten(B, 700)], nextExpiry: 800);

        Assert.False(mirror.IsBanned(A));
        Assert.True(mirror.IsBanned(B));
        Assert.Equal(1, mirror.Count);
        Assert.Equal(800, mirror.NextExpiry);
    }

    [Fact]
    public void Without_timed_bans_nothing_is_ever_due()
    {
        var mirror = new BanMirror(5, firewallEnforces: true);

        Assert.False(mirror.ExpiryDue(long.MaxValue));
        Assert.Equal(long.MaxValue, mirror.FirstSecondWithExpiryDue);
    }
}

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

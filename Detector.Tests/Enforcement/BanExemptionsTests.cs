using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Enforcement;

public sealed class BanExemptionsTests
{
    private static readonly BanExemptions Exemptions = BanExemptions.FromOptions(
        allowlist: ["198.51.100.0/24", "2001:db8:aa::/48"],
        trustedProxies: ["192.0.2.10", "fd00::10"],
        hostAddresses: [IpKey.Parse("203.0.113.250"), IpKey.Parse("2001:db8:ff::1")]);

    private static string? Reason(string ip) => Exemptions.Find(IpKey.Parse(ip))?.AuditReason;

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("203.0.113.250", "host_address")]
    [InlineData("2001:db8:ff::1", "host_address")]
    [InlineData("198.51.100.77", "allowlist=198.51.100.0/24")]
    [InlineData("::ffff:198.51.100.77", "allowlist=198.51.100.0/24")]
    [InlineData("2001:db8:aa:1::5", "allowlist=2001:db8:aa::/48")]
    [InlineData("192.0.2.10", "trusted_proxy=192.0.2.10/32")]
    [InlineData("fd00::10", "trusted_proxy=fd00::10/128")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("::ffff:0.0.0.0", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("ff0e::fb", "multicast")]
    public void Never_banned(string ip, string reason) => Assert.Equal(reason, Reason(ip));

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("198.51.101.1")]
    [InlineData("192.0.2.11")]
    [InlineData("2001:db8:ab::1")]
    [InlineData("::2")]
    public void Anyone_else_may_be_banned(string ip) => Assert.Null(Reason(ip));

    private static string? RangeReason(string range) =>
        BanTarget.TryParseRange(range, out var target) ? Exemptions.FindWithin(target.ToBlock())?.AuditReason : throw new FormatException(range);

    [Theory]
    [InlineData("2001:db8:ff::/64", "host_address")]                 // the host's own /64
    [InlineData("fd00::/64", "trusted_proxy=fd00::10/128")]            // the proxy's /64
    [InlineData("::/64", "loopback")]                                  // ::/64 holds ::1 (and ::)
    [InlineData("2001:db8:aa:1::/64", "allowlist=2001:db8:aa::/48")]   // inside a wider allowlisted block
    [InlineData("2001:db8::/32", "host_address")]                      // wider than the host's /64
    [InlineData("203.0.113.0/24", "host_address")]
    [InlineData("198.51.100.0/25", "allowlist=198.51.100.0/24")]
    [InlineData("192.0.2.0/24", "trusted_proxy=192.0.2.10/32")]
    [InlineData("127.0.0.0/24", "loopback")]
    [InlineData("224.0.0.0/24", "multicast")]
    public void A_range_covering_an_exempt_address_is_named_by_that_exemption(string range, string reason) =>
        Assert.Equal(reason, RangeReason(range));

    [Theory]
    [InlineData("2001:db8:1:2::/64")]
    [InlineData("2001:db8:ab::/48")]
    [InlineData("203.0.114.0/24")]
    [InlineData("198.51.101.0/24")]
    public void A_range_covering_no_exempt_address_may_be_banned(string range) => Assert.Null(RangeReason(range));

    [Fact]
    public void Fresh_host_addresses_replace_the_old_ones_and_keep_the_lists()
    {
        var fresh = Exemptions.WithHostAddresses([IpKey.Parse("203.0.113.251")]);

        Assert.Equal("host_address", fresh.Find(IpKey.Parse("203.0.113.251"))?.AuditReason);
        Assert.Null(fresh.Find(IpKey.Parse("203.0.113.250")));
        Assert.Equal("allowlist=198.51.100.0/24", fresh.Find(IpKey.Parse("198.51.100.77"))?.AuditReason);
    }

    [Fact]
    public void Host_addresses_include_loopback_interfaces_of_this_machine()
    {
        var addresses = BanExemptions.EnumerateHostAddresses();
        // Every Linux host (and container) has lo; its address proves the enumeration read the interfaces.
        Assert.Contains(IpKey.Parse("127.0.0.1"), addresses);
    }
}

public sealed class ExemptAnomalyEpisodesTests
{
    private static readonly IpKey Proxy = IpKey.Parse("192.0.2.10");
    private static readonly IpKey Other = IpKey.Parse("192.0.2.11");

    [Fact]
    public void Anomaly_every_second_is_one_episode()
    {
        var episodes = new ExemptAnomalyEpisodes(quietSeconds: 120);

        var starts = Enumerable.Range(0, 600).Select(s => episodes.Observe(Proxy, 1000 + s)).ToList();

        Assert.Equal(1, starts.Count(s => s));
        Assert.True(starts[0]);
    }

    [Fact]
    public void Episode_ends_after_the_quiet_period_and_each_ip_has_its_own()
    {
        var episodes = new ExemptAnomalyEpisodes(quietSeconds: 120);

        Assert.True(episodes.Observe(Proxy, 1000));
        Assert.True(episodes.Observe(Other, 1001));
        Assert.False(episodes.Observe(Proxy, 1120));
        Assert.True(episodes.Observe(Proxy, 1241));
    }
}

public sealed class BanMirrorTests
{
    private static readonly IpKey Ip = IpKey.Parse("203.0.113.9");
    private const long BannedAt = 10_000;

    private static BanMirror Watching(bool enforces = true)
    {
        var bans = new BanMirror(graceSeconds: 5, enforces);
        bans.Banned(Ip, BannedAt, BannedAt + 600);
        return bans;
    }

    [Fact]
    public void Lines_within_the_grace_period_are_fine()
    {
        var bans = Watching();

        for (var s = BannedAt; s < BannedAt + 5; s++) Assert.Null(bans.Observe(Ip, s, 100));
    }

    [Fact]
    public void Lines_after_the_grace_period_are_reported_once_per_ban()
    {
        var bans = Watching();
        for (var s = BannedAt; s < BannedAt + 5; s++) bans.Observe(Ip, s, 100);

        var report = bans.Observe(Ip, BannedAt + 5, 100);

        Assert.Equal(new IneffectiveBan(Ip, BannedAt + 6, BannedAt, BannedAt + 600, 600, 100.0), report);
        Assert.Null(bans.Observe(Ip, BannedAt + 6, 100));
    }

    [Fact]
    public void A_new_ban_of_the_same_ip_is_judged_afresh()
    {
        var bans = Watching();
        Assert.NotNull(bans.Observe(Ip, BannedAt + 10, 1));
        bans.Unbanned(Ip);
        bans.Banned(Ip, BannedAt + 700, null);

        var report = bans.Observe(Ip, BannedAt + 705, 3);

        Assert.Equal(new IneffectiveBan(Ip, BannedAt + 706, BannedAt + 700, null, 3, 0.5), report);
    }

    [Fact]
    public void Quiet_banned_ip_and_unbanned_ip_are_not_reported()
    {
        var bans = Watching();
        Assert.Null(bans.Observe(Ip, BannedAt + 30, 0));
        bans.Unbanned(Ip);
        Assert.Null(bans.Observe(Ip, BannedAt + 31, 50));
        Assert.False(bans.IsBanned(Ip));
    }

    [Fact]
    public void Dry_run_firewall_blocks_nothing_so_nothing_is_reported()
    {
        var bans = Watching(enforces: false);

        Assert.Null(bans.Observe(Ip, BannedAt + 60, 1000));
        Assert.True(bans.IsBanned(Ip));
    }

    [Fact]
    public void Lines_nginx_answered_with_the_ban_status_are_the_ban_working_and_other_lines_still_count()
    {
        var bans = new BanMirror(graceSeconds: 5, firewallEnforces: true, answerStatus: 444);
        bans.Banned(Ip, BannedAt, BannedAt + 600);

        for (var s = BannedAt + 5; s < BannedAt + 60; s++)
        {
            for (var i = 0; i < 50; i++) bans.Answered(Ip, 444);
            Assert.Null(bans.Observe(Ip, s, 50));
            bans.SecondClosed();
        }
        // A line Nginx answered otherwise (the ban not in its config, a location the include misses) still counts.
        for (var i = 0; i < 50; i++) bans.Answered(Ip, 444);
        bans.Answered(Ip, 200);
        var report = bans.Observe(Ip, BannedAt + 60, 51);

        Assert.Equal(new IneffectiveBan(Ip, BannedAt + 61, BannedAt, BannedAt + 600, 1, 1 / 61.0), report);
    }

    [Fact]
    public void Without_an_nginx_backend_or_for_an_address_not_banned_the_status_changes_nothing()
    {
        var kernelOnly = Watching();
        kernelOnly.Answered(Ip, 403);
        Assert.NotNull(kernelOnly.Observe(Ip, BannedAt + 5, 1));

        var nginx = new BanMirror(graceSeconds: 5, firewallEnforces: true, answerStatus: 403);
        nginx.Answered(Ip, 403); // not banned yet: this line was not the ban's answer
        nginx.SecondClosed();
        nginx.Banned(Ip, BannedAt, null);
        Assert.NotNull(nginx.Observe(Ip, BannedAt + 5, 1));
    }
}

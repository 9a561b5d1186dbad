using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;

namespace Detector.Tests.Enforcement;

/// <summary>Range decisions through the detection pipeline and the enforcement actor: a rotating IPv6 attacker is banned
/// as one /64 entry, the IPv4 /24 rule is off by default and works when on, a range that would cover an allowlisted
/// address is refused and audited, and unbanning a range lifts its members.</summary>
public sealed class RangeBanSpecs
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);

    /// <summary>Each address floods for 5 seconds (then stops, as a working firewall makes it), the next one 15 seconds
    /// later: an attacker rotating through its addresses.</summary>
    private static async Task RotateAsync(PipelineHarness harness, IReadOnlyList<string> addresses, long until)
    {
        const long first = 120, every = 15, floodSeconds = 5;
        for (var s = Start; s < until; s++)
        {
            var offset = s - Start - first;
            var index = offset >= 0 ? offset / every : -1;
            var flooder = index >= 0 && index < addresses.Count && offset % every < floodSeconds ? addresses[(int)index] : null;
            await harness.FeedAsync(Seconds(s, s + 1, extra: t => flooder is null ? [] : Flood(flooder, t, 200)).Single());
        }
        await harness.Coordinator.FinishAsync();
    }

    private static Task<DesiredBans> Desired(PipelineHarness harness) =>
        harness.Enforcement.Ask<DesiredBans>(GetDesiredBans.Instance, AskTimeout);

    private static IpVerdict Verdict(string ip, long at) => new(IpKey.Parse(ip), at, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static Task<EnforcementApplied> Apply(PipelineHarness harness, long now, params string[] ips) =>
        harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now, [.. ips.Select(ip => Verdict(ip, now))], Baseline), AskTimeout);

    [Fact]
    public async Task A_rotating_IPv6_attacker_is_banned_as_one_slash_64_entry()
    {
        await using var harness = await PipelineHarness.StartAsync();
        string[] rotating = [.. Enumerable.Range(1, 6).Select(i => $"2001:db8:66:1::{i:x}")];

        await RotateAsync(harness, rotating, until: Start + 260);

        var events = await harness.AuditEventsAsync();
        // The first three are banned each on its own; the third's ban bans the /64, and the rest are never banned one by one.
        Assert.Equal(rotating[..3], events.Where(e => e.Action == AuditAction.Ban).Select(e => e.Subject));
        var range = Assert.Single(events, e => e.Action == AuditAction.BanRange);
        Assert.Equal(("2001:db8:66:1::/64", "range>=3/600s members=2001:db8:66:1::1,2001:db8:66:1::2,2001:db8:66:1::3", "600s"),
            (range.Subject, range.Condition, range.Duration));
        Assert.Equal(events.Last(e => e.Action == AuditAction.Ban).At, range.At);
        // One kernel entry: the /64, its members' own entries gone.
        var slash64 = BanTarget.Range(IpKey.Parse("2001:db8:66:1::"), 64);
        Assert.Equal([new DesiredBan(slash64.Network, range.At + 600, slash64)], (await Desired(harness)).Bans);
        await Eventually.True(() => harness.Firewall.Calls.Count(c => c.Action == "unban") == 3, TimeSpan.FromSeconds(10), "the members' entries removed");
        Assert.Contains(harness.Firewall.Calls, c => c is { Action: "ban" } && c.Target == slash64);
        // A fresh address of the /64 flooding well after the range ban is its traffic getting through: the range's ban
        // is watched like any other.
        var ineffective = Assert.Single(events, e => e.Action == AuditAction.BanIneffective);
        Assert.StartsWith("2001:db8:66:1::", ineffective.Subject);
    }

    [Fact]
    public async Task A_flood_from_fresh_addresses_of_one_slash_64_is_judged_as_one_client_and_banned_as_the_slash_64()
    {
        await using var harness = await PipelineHarness.StartAsync();
        // 100 requests a second, each from an address never seen before: no address comes near a threshold.
        var next = 0;
        IEnumerable<AccessLogEntry> Churn(long second) =>
            Enumerable.Range(0, 100).Select(i => Entry($"2001:db8:66:1:{next >> 16:x}:{next++ & 0xffff:x}::1", second, millis: i * 10));

        for (var s = Start; s < Start + 200; s++)
            await harness.FeedAsync(Seconds(s, s + 1, extra: t => t >= Start + 120 ? Churn(t) : []).Single());
        await harness.Coordinator.FinishAsync();

        var events = await harness.AuditEventsAsync();
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Ban);
        var range = Assert.Single(events, e => e.Action == AuditAction.BanRange);
        Assert.Equal("2001:db8:66:1::/64", range.Subject);
        Assert.StartsWith("aggregate:ip_", range.Condition);
        Assert.EndsWith(" members=-", range.Condition);
        Assert.InRange(range.At, Start + 121, Start + 125);
        var slash64 = BanTarget.Range(IpKey.Parse("2001:db8:66:1::"), 64);
        Assert.Equal([slash64], (await Desired(harness)).Bans.Select(d => d.Target));
        // 8,000 addresses, yet the coordinator tracked the 64 it needed to see the churn, the network and the site's own.
        Assert.InRange(harness.Stats.Addresses.PeakTracked, 64, 64 + 1 + 20);
    }

    [Fact]
    public async Task IPv4_slash_24_escalation_is_off_by_default()
    {
        await using var harness = await PipelineHarness.StartAsync();

        await RotateAsync(harness, ["203.0.113.7", "203.0.113.8", "203.0.113.9", "203.0.113.10"], until: Start + 200);

        var events = await harness.AuditEventsAsync();
        Assert.Equal(4, events.Count(e => e.Action == AuditAction.Ban));
        Assert.DoesNotContain(events, e => e.Action == AuditAction.BanRange);
        Assert.All((await Desired(harness)).Bans, d => Assert.True(d.Target.IsHost));
    }

    [Fact]
    public async Task IPv4_slash_24_escalation_bans_the_block_when_on()
    {
        var options = new DetectorOptions { Enforcement = { Ipv4Range = { Enabled = true, PrefixLength = 24, MinAddresses = 3, WindowSeconds = 300 } } };
        await using var harness = await PipelineHarness.StartAsync(options);

        await RotateAsync(harness, ["203.0.113.7", "203.0.113.8", "203.0.113.9", "203.0.113.10"], until: Start + 200);

        var events = await harness.AuditEventsAsync();
        Assert.Equal(3, events.Count(e => e.Action == AuditAction.Ban));
        var range = Assert.Single(events, e => e.Action == AuditAction.BanRange);
        Assert.Equal(("203.0.113.0/24", "range>=3/300s members=203.0.113.7,203.0.113.8,203.0.113.9"), (range.Subject, range.Condition));
        Assert.Equal([BanTarget.Range(IpKey.Parse("203.0.113.0"), 24)], (await Desired(harness)).Bans.Select(d => d.Target));
    }

    [Fact]
    public async Task A_range_that_would_cover_an_allowlisted_address_is_refused_and_audited_and_its_members_stay_banned()
    {
        var options = new DetectorOptions { Allowlist = ["2001:db8:66:1::99"] };
        await using var harness = await PipelineHarness.StartAsync(options);
        var t = Start;

        await Apply(harness, t, "2001:db8:66:1::1", "2001:db8:66:1::2", "2001:db8:66:1::3");
        await Apply(harness, t + 1, "2001:db8:66:1::4");

        var events = await harness.AuditEventsAsync();
        Assert.DoesNotContain(events, e => e.Action == AuditAction.BanRange);
        // Audited once for the window, not at every further member ban.
        var refused = Assert.Single(events, e => e.Action == AuditAction.BanRefused);
        Assert.Equal(("2001:db8:66:1::/64", "range members=2001:db8:66:1::1,2001:db8:66:1::2,2001:db8:66:1::3", "allowlist=2001:db8:66:1::99/128", t),
            (refused.Subject, refused.Condition, refused.Duration, refused.At));
        Assert.Equal(4, events.Count(e => e.Action == AuditAction.Ban));
        Assert.Equal(4, (await Desired(harness)).Bans.Count(d => d.Target.IsHost));
    }

    [Fact]
    public async Task Unbanning_a_range_lifts_it_and_its_members()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var t = Start;
        var range = BanTarget.Range(IpKey.Parse("2001:db8:66:1::"), 64);
        await Apply(harness, t, "2001:db8:66:1::1", "2001:db8:66:1::2", "2001:db8:66:1::3");

        var member = await harness.Enforcement.Ask<ManualActionResult>(new UnbanManually(IpKey.Parse("2001:db8:66:1::2"), t + 5), AskTimeout, TestContext.Current.CancellationToken);
        var result = await harness.Enforcement.Ask<ManualActionResult>(new UnbanRangeManually(range, t + 10), AskTimeout, TestContext.Current.CancellationToken);

        Assert.Equal((false, "2001:db8:66:1::2 is banned by the range 2001:db8:66:1::/64: unban the range"), (member.Changed, member.Message));
        Assert.Equal((true, "2001:db8:66:1::/64 unbanned, with its members"), (result.Changed, result.Message));
        var unban = Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.UnbanRange);
        Assert.Equal(("2001:db8:66:1::/64", "manual members=2001:db8:66:1::1,2001:db8:66:1::2,2001:db8:66:1::3", "600s", t + 10),
            (unban.Subject, unban.Condition, unban.Duration, unban.At));
        Assert.Empty((await Desired(harness)).Bans);
        Assert.Empty((await harness.Enforcement.Ask<BansSnapshot>(GetBans.Instance, AskTimeout, TestContext.Current.CancellationToken)).Ranges);
        await Eventually.True(() => harness.Firewall.Calls.Any(c => c is { Action: "unban" } && c.Target == range), TimeSpan.FromSeconds(10), "the range's entry removed");
    }
}

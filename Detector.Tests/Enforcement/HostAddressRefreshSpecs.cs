using Akka.Actor;
using Detector.Audit;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Tests.Support;

namespace Detector.Tests.Enforcement;

/// <summary>The host's addresses are read again while running (driven here by <see cref="RefreshHostAddresses"/>, not by
/// waiting for the timer) and before a ban: an address the host gains later is never banned, and a range ban that
/// comes to cover one is lifted.</summary>
public sealed class HostAddressRefreshSpecs
{
    private const long T0 = 1_777_472_669;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);
    private static readonly IpKey Attacker = IpKey.Parse("2001:db8:1:2::66");

    /// <summary>What the host's interfaces hold; the test changes it.</summary>
    private sealed class ChangingHostAddresses : IHostAddressSource
    {
        public volatile IpKey[] Current = [];

        public IReadOnlyCollection<IpKey> Read() => Current;
    }

    private static DetectorOptions Options() => new();

    private static IpVerdict Verdict(IpKey ip, long at) => new(ip, at, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static Task<EnforcementApplied> Apply(PipelineHarness harness, long now, params IpVerdict[] verdicts) =>
        harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now, verdicts, Baseline), AskTimeout);

    private static Task<DesiredBans> Desired(PipelineHarness harness) =>
        harness.Enforcement.Ask<DesiredBans>(GetDesiredBans.Instance, AskTimeout);

    [Fact]
    public async Task A_range_ban_is_lifted_and_refused_once_the_host_gains_an_address_in_it()
    {
        var host = new ChangingHostAddresses();
        await using var harness = await PipelineHarness.StartAsync(Options(), hostAddresses: host);
        var range = BanTarget.Range(Attacker, 64);
        IpKey[] members = [Attacker, IpKey.Parse("2001:db8:1:2::67"), IpKey.Parse("2001:db8:1:2::68")];

        await Apply(harness, T0, [.. members.Select(m => Verdict(m, T0))]);
        Assert.Equal([new DesiredBan(range.Network, T0 + 600, range)], (await Desired(harness)).Bans);

        // DHCPv6 or a privacy address: the host now has an address in the banned /64. Out of the kernel at once,
        // lifted with the next second and audited as refused, with the addresses that had led to it.
        host.Current = [IpKey.Parse("2001:db8:1:2::1")];
        harness.Enforcement.Tell(RefreshHostAddresses.Instance);
        Assert.Empty((await Desired(harness)).Bans);
        var applied = await Apply(harness, T0 + 1);

        Assert.Equal([new RangeUnbanned(range, T0 + 1, OffenderLedger.ExemptReason)], applied.Events);
        var events = await harness.AuditEventsAsync();
        var refused = Assert.Single(events, e => e.Action == AuditAction.BanRefused);
        Assert.Equal(("2001:db8:1:2::/64", "ledger members=2001:db8:1:2::66,2001:db8:1:2::67,2001:db8:1:2::68", "host_address", T0 + 1),
            (refused.Subject, refused.Condition, refused.Duration, refused.At));
        Assert.DoesNotContain(events, e => e.Action == AuditAction.UnbanRange);
        Assert.Empty((await Apply(harness, T0 + 2)).Events);
        Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.BanRefused);
    }

    [Fact]
    public async Task An_address_the_host_gained_since_the_last_refresh_is_checked_at_ban_time()
    {
        var host = new ChangingHostAddresses();
        await using var harness = await PipelineHarness.StartAsync(Options(), hostAddresses: host);
        var gained = IpKey.Parse("203.0.113.50");

        host.Current = [gained];
        await Apply(harness, T0, Verdict(gained, T0));
        var manual = await harness.Enforcement.Ask<ManualActionResult>(new BanManually(gained, null, T0 + 1), AskTimeout);

        var events = await harness.AuditEventsAsync();
        var allowlisted = Assert.Single(events, e => e.Action == AuditAction.Allowlisted);
        Assert.Equal((gained.ToString(), "host_address"), (allowlisted.Subject, allowlisted.Duration));
        Assert.Equal((false, true), (manual.Changed, manual.Refused));
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Ban);
        Assert.DoesNotContain(harness.Firewall.Calls, c => c.Action == "ban");
    }
}

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
/// waiting for the timer) and before a ban: an address the host gains later is never banned, and a prefix ban that
/// comes to cover one is narrowed to the banned address.</summary>
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

    private static DetectorOptions Options() => new() { Enforcement = { Ipv6PrefixLength = 64 } };

    private static IpVerdict Verdict(IpKey ip, long at) => new(ip, at, "ip_zscore>3.0", 212.4, 11.2, 6.1);

    private static Task<EnforcementApplied> Apply(PipelineHarness harness, long now, params IpVerdict[] verdicts) =>
        harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now, verdicts, Baseline), AskTimeout);

    private static Task<DesiredBans> Desired(PipelineHarness harness) =>
        harness.Enforcement.Ask<DesiredBans>(GetDesiredBans.Instance, AskTimeout);

    [Fact]
    public async Task A_prefix_ban_is_narrowed_once_the_host_gains_an_address_in_it_and_lifted_once_the_host_has_the_address_itself()
    {
        var host = new ChangingHostAddresses();
        await using var harness = await PipelineHarness.StartAsync(Options(), hostAddresses: host);

        await Apply(harness, T0, Verdict(Attacker, T0));
        await Eventually.True(() => harness.Firewall.Calls.Any(c => c.Action == "ban"), TimeSpan.FromSeconds(10), "the ban");
        Assert.Equal(BanTarget.For(Attacker, 64), harness.Firewall.Calls.Single(c => c.Action == "ban").Target);

        // DHCPv6 or a privacy address: the host now has an address in the banned /64.
        host.Current = [IpKey.Parse("2001:db8:1:2::1")];
        harness.Enforcement.Tell(RefreshHostAddresses.Instance);

        Assert.Equal([new DesiredBan(Attacker, T0 + 600, BanTarget.For(Attacker))], (await Desired(harness)).Bans);
        await Eventually.True(() => harness.Firewall.Reconciles.Any(r => r.Any(d => d.Target == BanTarget.For(Attacker))),
            TimeSpan.FromSeconds(10), "a reconcile with the narrowed target");
        var narrowed = Assert.Single(await harness.AuditEventsAsync(), e => e.Action == AuditAction.BanNarrowed);
        Assert.Equal((Attacker.ToString(), "prefix=2001:db8:1:2::/64", "host_address"), (narrowed.Subject, narrowed.Condition, narrowed.Duration));

        // Later still the host holds the banned address itself: out of the kernel at once, lifted with the next second.
        host.Current = [IpKey.Parse("2001:db8:1:2::1"), Attacker];
        harness.Enforcement.Tell(RefreshHostAddresses.Instance);
        Assert.Empty((await Desired(harness)).Bans);
        var applied = await Apply(harness, T0 + 1);

        Assert.Equal([new IpUnbanned(Attacker, T0 + 1, OffenderLedger.ExemptReason)], applied.Events);
        var events = await harness.AuditEventsAsync();
        var refused = Assert.Single(events, e => e.Action == AuditAction.BanRefused);
        Assert.Equal((Attacker.ToString(), "ledger", "host_address", T0 + 1), (refused.Subject, refused.Condition, refused.Duration, refused.At));
        Assert.Single(events, e => e.Action == AuditAction.BanNarrowed);
        Assert.DoesNotContain(events, e => e.Action == AuditAction.Unban);
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

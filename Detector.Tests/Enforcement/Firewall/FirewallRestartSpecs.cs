using Akka.Actor;
using Detector.Baseline;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Tests.Support;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>After a restart the firewall is reconciled to the ledger recovered from its journal, without waiting for traffic.</summary>
public sealed class FirewallRestartSpecs : IDisposable
{
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);
    private readonly TempSqliteLedger _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_recovered_bans_reach_the_firewall_at_start()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var attacker = IpKey.Parse("203.0.113.9");
        await using (var first = await PipelineHarness.StartAsync(ledger: _db.Persistence()))
            await first.Enforcement.Ask<EnforcementApplied>(
                new ApplyVerdicts(now, [new IpVerdict(attacker, now, "ip_zscore>3.0", 212.4, 11.2, 6.1)], Baseline), TimeSpan.FromSeconds(30));

        await using var restarted = await PipelineHarness.StartAsync(ledger: _db.Persistence());

        var reconciled = await Eventually.Until(
            () => restarted.Firewall.Reconciles.FirstOrDefault(r => r.Any(d => d.Ip == attacker)), TimeSpan.FromSeconds(5), "the recovered ban at the firewall");
        Assert.Contains(reconciled, d => d.Ip == attacker);
    }
}

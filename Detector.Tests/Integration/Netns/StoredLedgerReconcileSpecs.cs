using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Detector.Audit;
using Detector.Baseline;
using Detector.Domain;
using Detector.Enforcement;
using Detector.Enforcement.Firewall;
using Detector.Enforcement.Persistence;
using Detector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Detector.Tests.Integration.Netns;

/// <summary>
/// A ledger stored by an older version holding bans that must never be (0.0.0.0, ::, broadcast, multicast) beside good
/// ones, loaded from SQLite by the real enforcement actor applying through real ipset / nftables in a network namespace:
/// the bad entries never reach the kernel nor abort a reconcile, the good ones are applied and re-applied after a
/// flush, and each bad one is lifted and audited once. Root only; skipped with the reason otherwise.
/// </summary>
public sealed class StoredLedgerReconcileSpecs : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
    private static readonly BaselineSnapshot Baseline = new(0, 10, 3, 1, 0.02, 1, 2, 1800, "14h", true);
    private static readonly string[] Forbidden = ["0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1"];
    private const string OtherGood = "198.51.100.7";

    private readonly TempSqliteLedger _db = new();
    private NetnsLab? _lab;

    public void Dispose()
    {
        _lab?.Dispose();
        _db.Dispose();
    }

    [Fact]
    public Task Ipset_applies_the_good_stored_bans_and_lifts_the_forbidden_ones_once() =>
        Run(["ipset", "iptables", "ip6tables"], executor => new IpsetFirewall(executor, IptablesTools.Plain), "ipset", "flush", "detector-v4");

    [Fact]
    public Task Nftables_applies_the_good_stored_bans_and_lifts_the_forbidden_ones_once() =>
        Run(["nft"], executor => new NftablesFirewall(executor), "nft", "flush", "set", "inet", "detector", "banned_v4");

    private async Task Run(string[] tools, Func<CommandExecutor, IFirewall> backend, params string[] flush)
    {
        if (NetnsLab.SkipReason(tools) is { } reason) Assert.Skip(reason);
        _lab = await NetnsLab.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await WriteLedgerAsync(
        [
            .. Forbidden.Select(ip => new IpBanned(IpKey.Parse(ip), now - 60, 1, null, "ip_zscore>3.0", 200, 10, 3)),
            new IpBanned(IpKey.Parse(NetnsLab.PeerV4), now - 60, 1, null, "ip_zscore>3.0", 200, 10, 3),
            new IpBanned(IpKey.Parse(OtherGood), now - 60, 1, now + 3600, "manual", 0, 0, 0),
        ]);

        await using var harness = await PipelineHarness.StartAsync(
            ledger: _db.Persistence(), firewall: backend(new CommandExecutor(_lab.HostRunner)), hostAddresses: new FixedHostAddresses([]));
        var firewall = await harness.FirewallActorAsync();

        Assert.IsType<FirewallReconciled>(await firewall.Ask<object>(ReconcileFirewall.Instance, AskTimeout));
        Assert.False(await _lab.CanConnectAsync(NetnsLab.HostV4), "the stored ban of the peer is applied");
        var listed = (await harness.Enforcement.Ask<DesiredBans>(GetDesiredBans.Instance, AskTimeout)).Bans.Select(b => b.Ip.ToString());
        Assert.Equal([NetnsLab.PeerV4, OtherGood], listed.Order());

        await _lab.InHostAsync(flush);
        Assert.True(await _lab.CanConnectAsync(NetnsLab.HostV4), "the flush lifted the ban");
        var repaired = Assert.IsType<FirewallReconciled>(await firewall.Ask<object>(ReconcileFirewall.Instance, AskTimeout));
        Assert.Equal((2, 2), (repaired.Added, repaired.Size));
        Assert.False(await _lab.CanConnectAsync(NetnsLab.HostV4), "reconcile re-applied the good bans");

        // The next closed second lifts the forbidden ones; later seconds and reconciles do not audit them again.
        var lifted = await harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now, [], Baseline), AskTimeout);
        Assert.Equal(Forbidden.Order(), lifted.Events.OfType<IpUnbanned>().Select(u => u.Ip.ToString()).Order());
        await harness.Enforcement.Ask<EnforcementApplied>(new ApplyVerdicts(now + 1, [], Baseline), AskTimeout);
        Assert.IsType<FirewallReconciled>(await firewall.Ask<object>(ReconcileFirewall.Instance, AskTimeout));

        var events = await harness.AuditEventsAsync();
        var refused = events.Where(e => e.Action == AuditAction.BanRefused).ToList();
        Assert.Equal(Forbidden.Order(), refused.Select(e => e.Subject).Order());
        Assert.All(refused, e => Assert.Equal("ledger", e.Condition));
        Assert.Contains(refused, e => e.Subject == "0.0.0.0" && e.Duration == "unspecified");
        Assert.DoesNotContain(events, e => e.Action is AuditAction.ReconcileFailed or AuditAction.BanFailed or AuditAction.UnbanFailed);
        Assert.False(await _lab.CanConnectAsync(NetnsLab.HostV4), "the good bans stay");
        Assert.Equal(0, harness.Firewall.Stats.Snapshot().Failures);
    }

    /// <summary>Journals <paramref name="events"/> under the ledger's persistence id, as an earlier run would have.</summary>
    private async Task WriteLedgerAsync(IReadOnlyList<LedgerEvent> events)
    {
        var sqlite = (SqliteLedger)_db.Persistence();
        sqlite.EnableWriteAheadLog();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddAkka("ledger-writer", akka =>
        {
            akka.WithCustomSerializer(LedgerSerializer.Name, LedgerSerializer.BoundTypes, system => new LedgerSerializer(system));
            akka.AddHocon(sqlite.PluginConfig(), HoconAddMode.Prepend);
            akka.AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
        });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var writer = host.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create(() => new LedgerWriter(events)));
        Assert.Equal("written", await writer.Ask<string>("write", AskTimeout));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private sealed class LedgerWriter : ReceivePersistentActor
    {
        public LedgerWriter(IReadOnlyList<LedgerEvent> events)
        {
            Command<string>(_ =>
            {
                var requester = Sender;
                PersistAll(events, _ => { }, () => requester.Tell("written"));
            });
        }

        public override string PersistenceId => EnforcementActor.LedgerPersistenceId;
    }
}

using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql;
using Detector.Configuration;
using Detector.Enforcement;
using Detector.Enforcement.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Detector.Audit;
using Detector.Enforcement.Firewall;

namespace Detector.Hosting;

public static class EnforcementHostingExtensions
{
    /// <summary>
    /// The single Enforcement actor, its ledger persisted where <paramref name="persistence"/> says, applying
    /// through every registered <see cref="IFirewall"/> (one firewall actor each). Exempt from bans: loopback, this machine's interface
    /// addresses (the registered <see cref="IHostAddressSource"/>, else the interfaces; re-read every 30 s and before a
    /// ban), <c>Detector:Allowlist</c> and <c>Detector:TrustedProxies</c>; and addresses that are no client's.
    /// </summary>
    public static AkkaConfigurationBuilder WithEnforcement(this AkkaConfigurationBuilder builder, DetectorOptions options, LedgerPersistence persistence)
    {
        var exemptions = BanExemptions.FromOptions(options.Allowlist, options.TrustedProxies, []);
        var ladder = BanLadder.Parse(options.Enforcement.EffectiveLadder);

        builder.WithCustomSerializer(LedgerSerializer.Name, LedgerSerializer.BoundTypes, system => new LedgerSerializer(system));
        switch (persistence)
        {
            case SqliteLedger sqlite:
                sqlite.EnableWriteAheadLog();
                builder.AddHocon(sqlite.PluginConfig(), HoconAddMode.Prepend);
                // Without the plugin's defaults the journal cannot start, and callers only see ask timeouts.
                builder.AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
                break;
            default:
                builder.WithInMemoryJournal().WithInMemorySnapshotStore();
                break;
        }

        return builder.WithActors((system, registry, resolver) =>
        {
            // Every registered backend (ipset,nginx: two), each with its own firewall actor.
            var firewalls = resolver.GetService<IEnumerable<IFirewall>>().ToList();
            var setup = new EnforcementSetup(
                ladder,
                TimeSpan.FromDays(options.Enforcement.HistoryRetentionDays),
                exemptions,
                FirewallEnforces: firewalls.Exists(f => f is not DryRunFirewall),
                persistence.SnapshotEvery)
            {
                Ranges = RangePolicy.From(options.Enforcement),
                HostAddresses = resolver.GetService<IHostAddressSource>() ?? InterfaceHostAddresses.Instance,
                Stats = resolver.GetService<EnforcementStats>() ?? new EnforcementStats(),
                BanAnswerStatus = firewalls.Exists(f => f is NginxFirewall) ? options.Enforcement.Nginx.Status : null,
            };
            var audit = registry.Get<AuditWriter>();
            var settings = FirewallActorSettings.Default with { NameBackendInAudit = firewalls.Count > 1 };
            var props = firewalls.Select(f => (f.Name, (Func<IActorRef, Props>)(ledger => FirewallActor.Props(f, ledger, audit, settings)))).ToList();
            registry.Register<EnforcementActor>(system.ActorOf(EnforcementActor.Props(setup, props, audit), "enforcement"));
        });
    }
}

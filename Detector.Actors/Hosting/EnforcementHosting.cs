using Akka.Hosting;
using Detector.Configuration;
using Detector.Enforcement;
using Microsoft.Extensions.DependencyInjection;

namespace Detector.Hosting;

public static class EnforcementHostingExtensions
{
    /// <summary>The single Enforcement actor over a fresh ledger, applying through the registered <see cref="IFirewall"/>.</summary>
    public static AkkaConfigurationBuilder WithEnforcement(this AkkaConfigurationBuilder builder, EnforcementOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var ladder = BanLadder.Parse(options.EffectiveLadder);
            var ledger = new OffenderLedger(ladder, TimeSpan.FromDays(options.HistoryRetentionDays));
            var firewall = system.ActorOf(FirewallActor.Props(resolver.GetService<IFirewall>()), "firewall");
            var audit = registry.Get<AuditWriterActor>();
            registry.Register<FirewallActorKey>(firewall);
            registry.Register<EnforcementActorKey>(system.ActorOf(EnforcementActor.Props(ledger, firewall, audit), "enforcement"));
        });
}

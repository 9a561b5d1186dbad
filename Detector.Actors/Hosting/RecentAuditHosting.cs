using Akka.Hosting;
using Detector.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Detector.Hosting;

public static class RecentAuditHostingExtensions
{
    /// <summary>Keeps the recent audit events in the registered <see cref="RecentAuditEvents"/> buffer.</summary>
    public static AkkaConfigurationBuilder WithRecentAudit(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, _, resolver) =>
            system.ActorOf(RecentAuditRecorder.Props(resolver.GetService<RecentAuditEvents>()), "recent-audit"));
}

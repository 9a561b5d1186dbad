using Akka.Hosting;
using Detector.Audit;

namespace Detector.Hosting;

public static class AuditHostingExtensions
{
    /// <summary>The audit writer; <paramref name="path"/> null writes no file (events are still published).</summary>
    public static AkkaConfigurationBuilder WithAudit(this AkkaConfigurationBuilder builder, string? path) =>
        builder.WithActors((system, registry) =>
            registry.Register<AuditWriter>(system.ActorOf(AuditWriter.Props(path), "audit")));
}

using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Detector.Configuration;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Hosting;

public enum IpWindowHosting
{
    /// <summary>Cluster sharding (the daemon): entities spread over the cluster's nodes.</summary>
    Sharded,
    /// <summary>A child-per-entity parent in this process (replay, fast tests).</summary>
    Local,
}

public static class IpWindowsHostingExtensions
{
    public const string TypeName = "ip-window";

    /// <summary>IP window entities (and the collector of their answers), sharded (with <see cref="IpMessageExtractor"/>)
    /// or under a <see cref="LocalIpWindowParent"/>; either is registered under <see cref="IpWindowActor"/>.</summary>
    public static AkkaConfigurationBuilder WithIpWindows(this AkkaConfigurationBuilder builder, DetectionOptions options, IpWindowHosting hosting)
    {
        if (hosting == IpWindowHosting.Sharded)
        {
            builder.WithShardRegion<IpWindowActor>(
                TypeName,
                entityId => IpWindowActor.Props(IpKey.Parse(entityId), options),
                new IpMessageExtractor(),
                new ShardOptions { RememberEntities = false, StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData });
        }
        else
        {
            builder.WithActors((system, registry) =>
                registry.Register<IpWindowActor>(system.ActorOf(LocalIpWindowParent.Props(options), "ip-windows")));
        }
        return builder.WithActors((system, registry) =>
            registry.Register<ReplyCollector>(system.ActorOf(Props.Create<ReplyCollector>(), "ip-replies")));
    }
}

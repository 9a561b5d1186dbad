using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace Detector.Hosting;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// A cluster node on loopback. Without seed nodes it joins itself (a single-node cluster); with seeds
    /// it joins them, so more nodes can share the IP entities.
    /// </summary>
    public static AkkaConfigurationBuilder WithDetectorCluster(this AkkaConfigurationBuilder builder, string hostname = "127.0.0.1", int port = 0, string[]? seedNodes = null)
    {
        builder.WithRemoting(hostname, port);
        builder.WithClustering(new ClusterOptions { SeedNodes = seedNodes is { Length: > 0 } ? seedNodes : null });
        if (seedNodes is not { Length: > 0 })
            builder.AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        return builder;
    }
}

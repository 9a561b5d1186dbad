using Akka.Cluster.Sharding;

namespace Detector.IpWindows;

/// <summary>The one extractor for IP entities, used by cluster sharding and by the local parent alike.</summary>
public sealed class IpMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IIpMessage m => m.Ip.ToString(),
        ShardRegion.StartEntity start => start.EntityId,
        _ => null,
    };
}

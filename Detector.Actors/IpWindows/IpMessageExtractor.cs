using Akka.Cluster.Sharding;

namespace Detector.IpWindows;

/// <summary>
/// The shard region's extractor for IP entities: the entity id is the IP's text (<see cref="Domain.IpKey.ToString"/>,
/// parsed back when the entity starts) and the shard is the id's hash over <c>maxShards</c>. Sharded hosting only:
/// <see cref="LocalIpWindowParent"/> routes by <see cref="IIpMessage.Ip"/> without it.
/// </summary>
public sealed class IpMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IIpMessage m => m.Ip.ToString(),
        ShardRegion.StartEntity start => start.EntityId,
        _ => null,
    };
}

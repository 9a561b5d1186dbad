using Akka.Actor;
using Akka.Cluster.Sharding;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.IpWindows;

/// <summary>
/// Child-per-entity host for IP windows without a cluster (replay, fast tests). It takes the same
/// <see cref="IIpMessage"/>s as the shard region and routes them by <see cref="IIpMessage.Ip"/> itself (no message
/// extractor; one child per IP, created with <see cref="IpWindowActor.LocalProps"/>). It answers an entity's
/// sharding <see cref="Passivate"/> as the shard does: the child is sent the stop message, and messages for it
/// arriving meanwhile are buffered until it has stopped, then go to a fresh child. Unlike the region, an
/// <see cref="IpIdle"/> for an IP without a child is dropped instead of starting an entity only to passivate it.
/// </summary>
public sealed class LocalIpWindowParent : ReceiveActor
{
    private readonly DetectionOptions _options;
    private readonly Dictionary<IpKey, IActorRef> _children = new();
    private readonly Dictionary<IActorRef, IpKey> _keys = new();
    private readonly Dictionary<IpKey, List<(IIpMessage Message, IActorRef Sender)>> _stopping = new();

    public LocalIpWindowParent(DetectionOptions options)
    {
        _options = options;
        Receive<IIpMessage>(m => Route(m, Sender));
        Receive<Passivate>(p => Passivate(Sender, p));
        Receive<Terminated>(t => Stopped(t.ActorRef));
    }

    public static Props Props(DetectionOptions options) =>
        Akka.Actor.Props.Create(() => new LocalIpWindowParent(options));

    private void Route(IIpMessage message, IActorRef sender)
    {
        if (_stopping.TryGetValue(message.Ip, out var buffer))
        {
            buffer.Add((message, sender));
            return;
        }
        if (!_children.TryGetValue(message.Ip, out var child))
        {
            if (message is IpIdle) return;
            child = Context.ActorOf(IpWindowActor.LocalProps(message.Ip, _options), ChildName(message.Ip));
            Context.Watch(child);
            _children[message.Ip] = child;
            _keys[child] = message.Ip;
        }
        child.Tell(message, sender);
    }

    private void Passivate(IActorRef child, Passivate passivate)
    {
        if (!_keys.TryGetValue(child, out var ip) || _stopping.ContainsKey(ip)) return;
        _stopping[ip] = [];
        child.Tell(passivate.StopMessage);
    }

    private void Stopped(IActorRef child)
    {
        if (!_keys.Remove(child, out var ip)) return;
        _children.Remove(ip);
        if (!_stopping.Remove(ip, out var buffered)) return;
        foreach (var (message, sender) in buffered) Route(message, sender);
    }

    private static string ChildName(IpKey ip) => Uri.EscapeDataString(ip.ToString());
}

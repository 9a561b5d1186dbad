using Akka.Actor;
using Akka.Cluster.Sharding;
using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.IpWindows;

/// <summary>
/// One IP's entity: hosts the IP's <see cref="IpWindow"/> (window, horizon, agents, samples, last verdict) and
/// answers for it. Never touches the firewall or the wall clock.
/// </summary>
public sealed class IpWindowActor : ReceiveActor
{
    private readonly IpWindow _state;

    public IpWindowActor(IpKey ip, DetectionOptions options)
    {
        _state = new IpWindow(ip, options);

        Receive<IpTrafficObserved>(Observe);
        Receive<GetIpWindowState>(_ => Sender.Tell(State()));
        // Sharding's Passivate works for both hosts: the shard and the local parent both understand it.
        Receive<IpIdle>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
    }

    public static Props Props(IpKey ip, DetectionOptions options) =>
        Akka.Actor.Props.Create<IpWindowActor>(ip, options);

    /// <summary>For the local parent, which creates one entity per IP in replay: built with <c>new</c>, because the
    /// reflective Props forms emit a dynamic method per Props whose finalization cost a replay a second of CPU
    /// (profiled). Not for sharding: under the shard region such entities never answered (LedgerIsolationSpecs), so
    /// the region keeps the reflective form.</summary>
    public static Props LocalProps(IpKey ip, DetectionOptions options) =>
        Akka.Actor.Props.CreateBy(new Producer(ip, options));

    private void Observe(IpTrafficObserved observed)
    {
        var (window, verdict, buckets) = _state.Observe(
            observed.Seconds, observed.SamplePaths, observed.SampleAgents, observed.Baseline, observed.SiteSurge, observed.PathMinutes);
        observed.ReplyTo.Tell(new IpEvaluated(observed.SliceId, _state.Ip, window, verdict, buckets));
    }

    private IpWindowState State() => new(
        _state.Ip,
        _state.LatestSecond,
        _state.Totals,
        _state.Rate,
        _state.LastVerdict,
        _state.RecentPaths,
        _state.RecentAgents);

    private sealed class Producer(IpKey ip, DetectionOptions options) : IIndirectActorProducer
    {
        public Type ActorType => typeof(IpWindowActor);

        public ActorBase Produce() => new IpWindowActor(ip, options);

        public void Release(ActorBase actor)
        {
        }
    }
}

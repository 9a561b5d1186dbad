using Akka.Actor;
using Akka.Cluster.Sharding;
using Detector.Configuration;
using Detector.Detection;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.IpWindows;

/// <summary>
/// One IP's entity: its sliding window, its longer horizon, recent user agents and samples, and last verdict. Routes to the pure
/// <see cref="SlidingWindow"/> and <see cref="IpRule"/>; never touches the firewall or the wall clock.
/// </summary>
public sealed class IpWindowActor : ReceiveActor
{
    private readonly IpKey _ip;
    private readonly DetectionOptions _options;
    private readonly SlidingWindow _window;
    private readonly HorizonWindow _horizon;
    private readonly PathHorizon _pathHorizon;
    private readonly PathHorizon _routeHorizon;
    private readonly RecentAgents _recentAgents = new();
    // The coordinator sends a few distinct samples with each batch; the latest batch's are the recent ones.
    private string[] _paths = [];
    private string[] _agents = [];
    private IpVerdict? _lastVerdict;

    public IpWindowActor(IpKey ip, DetectionOptions options)
    {
        _ip = ip;
        _options = options;
        _window = new SlidingWindow(options.WindowSeconds);
        _horizon = new HorizonWindow(Math.Max(options.SustainedHorizonSeconds, options.WindowSeconds));
        _pathHorizon = new PathHorizon(Math.Max(options.SustainedHorizonSeconds, options.WindowSeconds));
        _routeHorizon = new PathHorizon(Math.Max(options.SustainedHorizonSeconds, options.WindowSeconds), byRoute: true);

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
        foreach (var (second, counts) in observed.Seconds)
        {
            _window.Add(second, counts);
            _horizon.Add(second, counts);
        }
        if (observed.SamplePaths.Length > 0) _paths = observed.SamplePaths;
        if (observed.SampleAgents.Length > 0) _agents = observed.SampleAgents;
        var latest = _window.LatestSecond;
        foreach (var agent in observed.SampleAgents) _recentAgents.Add(agent, latest);

        foreach (var minute in observed.PathMinutes ?? [])
        {
            _pathHorizon.Add(minute.Second, minute.TopPaths, minute.Total);
            _routeHorizon.Add(minute.Second, minute.TopRoutes, minute.Total);
        }
        var paths = _pathHorizon.Over(latest);
        var topTwoRoutes = _routeHorizon.Over(latest).TopTwo();
        var evidence = new IpEvidence(_window.Totals, _horizon.Totals,
            _recentAgents.CountSince(latest - _options.WindowSeconds + 1), observed.SiteSurge, paths.Total, paths.TopTwo(), topTwoRoutes);
        var verdict = IpRule.Evaluate(_ip, latest, evidence, observed.Baseline, _options);
        if (verdict is not null) _lastVerdict = verdict;
        observed.ReplyTo.Tell(new IpEvaluated(
            observed.SliceId,
            _ip,
            _window.Totals,
            verdict,
            verdict is null ? null : _window.Buckets().ToArray()));
    }

    private IpWindowState State() => new(
        _ip,
        _window.LatestSecond,
        _window.Totals,
        _window.Totals.Requests / (double)_options.WindowSeconds,
        _lastVerdict,
        _paths,
        _agents);

    private sealed class Producer(IpKey ip, DetectionOptions options) : IIndirectActorProducer
    {
        public Type ActorType => typeof(IpWindowActor);

        public ActorBase Produce() => new IpWindowActor(ip, options);

        public void Release(ActorBase actor)
        {
        }
    }
}

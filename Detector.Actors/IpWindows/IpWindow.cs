using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;

namespace Detector.IpWindows;

/// <summary>One IP's verdict on a batch of its traffic: its window after the batch, the verdict when a rule fired,
/// and then the window's per-second buckets (so the site model can forget them).</summary>
public readonly record struct IpObservation(SecondCounts Window, IpVerdict? Verdict, (long Second, SecondCounts Counts)[]? Buckets);

/// <summary>
/// Everything the detector knows about one IP's traffic — the one home of per-IP detection state: the sliding
/// window, the longer horizon, the paths and routes it asked for most over that horizon, recent user agents, the
/// latest sample paths and agents, and the last verdict. Pure:
/// <see cref="IpWindowActor"/> hosts one per IP entity; the tests drive it directly.
/// </summary>
/// <remarks>
/// The coordinator keeps only batching bookkeeping per IP (<c>Pipeline.IpTrack</c>): the open second, the closed
/// seconds not yet handed over, a few samples to hand over with them, and the coarse minute counts that bound this
/// window. Whatever decides a verdict lives here.
/// </remarks>
public sealed class IpWindow
{
    private readonly IpKey _ip;
    private readonly DetectionOptions _options;
    private readonly SlidingWindow _window;
    private readonly HorizonWindow _horizon;
    private readonly RecentAgents _recentAgents = new();
    // Created with the first path evidence: most addresses never send any (see IpTrack).
    private PathHorizon? _paths;
    private PathHorizon? _routes;
    private readonly int _repetitionFloor;

    public IpWindow(IpKey ip, DetectionOptions options)
    {
        _ip = ip;
        _options = options;
        _window = new SlidingWindow(options.WindowSeconds);
        _horizon = new HorizonWindow(HorizonSeconds(options));
        _repetitionFloor = IpRule.RepetitionFloor(options);
    }

    private static int HorizonSeconds(DetectionOptions options) => Math.Max(options.SustainedHorizonSeconds, options.WindowSeconds);

    public IpKey Ip => _ip;
    public long LatestSecond => _window.LatestSecond;
    public SecondCounts Totals => _window.Totals;
    public double Rate => _window.Totals.Requests / (double)_options.WindowSeconds;
    public IpVerdict? LastVerdict { get; private set; }
    /// <summary>The latest batch's sample paths and agents (a few distinct ones).</summary>
    public IReadOnlyList<string> RecentPaths { get; private set; } = [];
    public IReadOnlyList<string> RecentAgents { get; private set; } = [];

    /// <summary>Adds closed seconds of the IP's traffic with their samples and evaluates the rules at the latest second.</summary>
    /// <param name="siteSurge">A global episode is in progress.</param>
    /// <param name="pathMinutes">The batch's path tallies, minute by minute.</param>
    public IpObservation Observe((long Second, SecondCounts Counts)[] seconds, string[] samplePaths, string[] sampleAgents,
        BaselineSnapshot baseline, bool siteSurge, PathMinute[]? pathMinutes = null)
    {
        foreach (var (second, counts) in seconds)
        {
            _window.Add(second, counts);
            _horizon.Add(second, counts);
        }
        if (samplePaths.Length > 0) RecentPaths = samplePaths;
        if (sampleAgents.Length > 0) RecentAgents = sampleAgents;
        var latest = _window.LatestSecond;
        foreach (var agent in sampleAgents) _recentAgents.Add(agent, latest);

        foreach (var minute in pathMinutes ?? [])
        {
            (_paths ??= new PathHorizon(HorizonSeconds(_options))).Add(minute.Second, minute.TopPaths, minute.Total);
            (_routes ??= new PathHorizon(HorizonSeconds(_options), byRoute: true)).Add(minute.Second, minute.TopRoutes, minute.Total);
        }
        // Merging the horizon's path summaries costs; only an address with enough requests for a repetition rule
        // needs them (the horizon counts every request over the same ten minutes, health probes included).
        int pathTotal = 0, topTwoPaths = 0, topTwoRoutes = 0;
        if (_paths is not null && _routes is not null && _horizon.Totals.Requests >= _repetitionFloor)
        {
            var paths = _paths.Over(latest);
            (pathTotal, topTwoPaths, topTwoRoutes) = (paths.Total, paths.TopTwo(), _routes.Over(latest).TopTwo());
        }
        var evidence = new IpEvidence(_window.Totals, _horizon.Totals,
            _recentAgents.CountSince(latest - _options.WindowSeconds + 1), siteSurge, pathTotal, topTwoPaths, topTwoRoutes);
        var verdict = IpRule.Evaluate(_ip, latest, evidence, baseline, _options);
        if (verdict is not null) LastVerdict = verdict;
        return new IpObservation(_window.Totals, verdict, verdict is null ? null : _window.Buckets().ToArray());
    }
}

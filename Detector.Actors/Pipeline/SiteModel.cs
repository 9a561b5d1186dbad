using Detector.Baseline;
using Detector.Configuration;
using Detector.Detection;
using Detector.Domain;
using Detector.IpWindows;

namespace Detector.Pipeline;

/// <summary>One closed second of the site: its 60 s rate, whether it was anomalous, the alert it raised (the first
/// anomalous second of an episode), and its point for the dashboard's chart.</summary>
public readonly record struct SiteSecond(double Rate, bool Anomalous, GlobalAlert? Alert, GlobalSeriesPoint Point);

/// <summary>
/// What the detector knows about the whole site: the global sliding window of closed seconds (banned IPs' traffic
/// left out), the site-wide rule by cause (<see cref="SiteAnomalyRule"/>, or <see cref="OriginalGlobalRule"/> when
/// configured) and its episodes (<see cref="GlobalEpisodeTracker"/>), and the learned baseline
/// (<see cref="BaselineModel"/>). Pure: time comes in as event-time seconds; commands change it, queries do not.
/// </summary>
/// <remarks>
/// Quiet stretches: once the window holds nothing (<see cref="IsQuietFrom"/>), every further second without traffic
/// has rate 0, is never anomalous and is learned as a zero second, so <see cref="SkipQuiet"/> closes any number of
/// them in O(1) (the baseline fills the gap itself, at most its history long) with the same outcome as closing them
/// one by one — as long as no recompute boundary falls inside (the caller stops at those; see <see cref="SecondCutter"/>).
/// </remarks>
public sealed class SiteModel
{
    private readonly DetectionOptions _detection;
    private readonly BaselineOptions _baselineOptions;
    private readonly SlidingWindow _global;
    private readonly GlobalEpisodeTracker _episodes;
    private readonly SiteAnomalyRule _rule;
    private readonly OriginalGlobalRule _originalRule;
    private readonly BaselineModel _baseline;
    /// <summary>The latest second the window was given non-zero counts at (traffic, or traffic forgotten).</summary>
    private long _lastChanged = long.MinValue;

    public SiteModel(DetectionOptions detection, BaselineOptions baseline)
    {
        _detection = detection;
        _baselineOptions = baseline;
        _global = new SlidingWindow(detection.WindowSeconds);
        _episodes = new GlobalEpisodeTracker(detection);
        _rule = new SiteAnomalyRule(detection, baseline);
        _originalRule = new OriginalGlobalRule(detection);
        _baseline = new BaselineModel(baseline, detection);
    }

    /// <summary>The baseline of the last recompute (floors only before the first).</summary>
    public BaselineSnapshot Baseline => _baseline.Current;

    /// <summary>A global episode is in progress.</summary>
    public bool InEpisode => _episodes.InEpisode;

    /// <summary>The global rate (req/s over the window) at the last closed second.</summary>
    public double Rate { get; private set; }

    /// <summary>The global window holds nothing from <paramref name="second"/> on, if no traffic is added.</summary>
    public bool IsQuietFrom(long second) => _lastChanged == long.MinValue || _lastChanged <= second - _detection.WindowSeconds;

    /// <summary>Closes <paramref name="second"/> with the site's traffic in it (banned IPs' left out): the window,
    /// the global rule and its episodes, the baseline's history.</summary>
    /// <param name="newClients">Addresses first seen (after minutes of silence) in this second.</param>
    /// <param name="activeClients">Distinct addresses with traffic in the window.</param>
    /// <param name="busiestSources">What the window's few busiest unbanned addresses carry of a measure, asked only
    /// when that measure alone would be anomalous (<see cref="SiteAnomalyRule.Observe"/>).</param>
    public SiteSecond CloseSecond(long second, SecondCounts site, int newClients = 0, int activeClients = 0,
        BusiestSources? busiestSources = null)
    {
        AddToWindow(second, site);
        var rate = _global.Totals.Requests / (double)_detection.WindowSeconds;
        Rate = rate;
        var anomaly = _detection.GlobalRule == GlobalRuleKind.Original
            ? _originalRule.Judge(rate, _baseline.Current)
            : _rule.Observe(second, new SiteTraffic(site, newClients, activeClients), busiestSources);
        var anomalous = anomaly is not null;
        var alert = _episodes.Evaluate(second, anomaly);
        _baseline.RecordSecond(second, site, anomalous);
        return new SiteSecond(rate, anomalous, alert, SeriesPoint(second + 1, rate));
    }

    /// <summary>Closes the quiet seconds [<paramref name="from"/>, <paramref name="to"/>) at once: no traffic, an
    /// empty window (<see cref="IsQuietFrom"/>), no recompute boundary inside.</summary>
    public void SkipQuiet(long from, long to)
    {
        if (to <= from) return;
        var last = to - 1;
        _global.AdvanceTo(last);
        Rate = 0;
        // Quiet seconds are never anomalous; the last one decides whether an episode's cooldown has passed.
        _episodes.Evaluate(last, null);
        _baseline.RecordSecond(last, default, anomalous: false);
    }

    /// <summary>A banned IP's traffic must not stay in the global window or the baseline. Its seconds before
    /// <paramref name="closingSecond"/> are taken out of both; the closing second's share is returned for the caller
    /// to leave out of the second it closes.</summary>
    public SecondCounts ForgetBanned((long Second, SecondCounts Counts)[] buckets, long closingSecond)
    {
        var closing = default(SecondCounts);
        foreach (var (second, counts) in buckets)
        {
            if (second == closingSecond) closing = counts;
            if (second >= closingSecond) continue;
            AddToWindow(second, default(SecondCounts) - counts);
            _baseline.Forget(second, counts);
            _rule.Forget(second, counts);
        }
        return closing;
    }

    /// <summary>The request count of each active, not-banned IP in the minute ending at <paramref name="minuteEnd"/>.</summary>
    public void RecordIpMinute(long minuteEnd, ReadOnlySpan<int> requestsPerIp) => _baseline.RecordIpMinute(minuteEnd, requestsPerIp);

    /// <summary>Whether the baseline is recomputed when the second ending at <paramref name="now"/> closes.</summary>
    public bool IsRecomputeDue(long now) => now % _baselineOptions.RecomputeSeconds == 0;

    /// <summary>Recomputes the baseline at <paramref name="now"/>; it becomes <see cref="Baseline"/>.</summary>
    public BaselineSnapshot Recompute(long now) => _baseline.Recompute(now);

    /// <summary>The chart's point for a quiet second ending at <paramref name="now"/>.</summary>
    public GlobalSeriesPoint QuietPoint(long now) => SeriesPoint(now, 0);

    /// <summary>The rate with the band the global rule allows: above Upper is a volume anomaly (when warm).</summary>
    private GlobalSeriesPoint SeriesPoint(long now, double rate)
    {
        if (_detection.GlobalRule == GlobalRuleKind.Causes)
        {
            var (expected, volumeUpper) = _rule.VolumeBand();
            return new GlobalSeriesPoint(now, rate, expected, 0, volumeUpper);
        }
        var baseline = _baseline.Current;
        var z = _detection.ZScoreThreshold;
        var upper = Math.Min(baseline.Mean + z * baseline.Std60, _detection.RateMultiplier * baseline.Mean);
        if (baseline.Std60 <= 0) upper = _detection.RateMultiplier * baseline.Mean;
        return new GlobalSeriesPoint(now, rate, baseline.Mean, Math.Max(0, baseline.Mean - z * baseline.Std60), upper);
    }

    private void AddToWindow(long second, SecondCounts counts)
    {
        _global.Add(second, counts);
        if (counts != default && second > _lastChanged) _lastChanged = second;
    }
}

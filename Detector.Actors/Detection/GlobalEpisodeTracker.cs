using Detector.Baseline;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>
/// Episodes of site-wide anomaly. A rule (<see cref="SiteAnomalyRule"/>, or <see cref="OriginalGlobalRule"/> for
/// comparison) judges each closed second; GlobalMinAnomalousSeconds consecutive anomalous seconds open an episode
/// and yield one alert naming the rule's condition (a lone flooder is banned, and its traffic taken out of the
/// site's window, before that); the episode closes after GlobalEpisodeCooldownSeconds without anomaly.
/// </summary>
/// <remarks>
/// Quiet time is measured in event seconds, not in calls: seconds may jump (replay gaps, quiet ticks), and a
/// jump of at least the cooldown past the last anomalous second closes the episode.
/// </remarks>
public sealed class GlobalEpisodeTracker(DetectionOptions options)
{
    private long _lastAnomalousSecond;
    private long _runStart = long.MinValue;
    private long _runEnd = long.MinValue;

    public bool InEpisode { get; private set; }

    /// <summary>Second of the alert that opened the current (or last) episode; null before any.</summary>
    public long? EpisodeStartedAt { get; private set; }

    public GlobalAlert? Evaluate(long second, SiteAnomaly? anomaly)
    {
        if (anomaly is null)
        {
            _runStart = long.MinValue;
            if (InEpisode && second - _lastAnomalousSecond >= options.GlobalEpisodeCooldownSeconds)
                InEpisode = false;
            return null;
        }

        // Quiet seconds strictly between the last anomaly and this one.
        var continues = InEpisode && second - _lastAnomalousSecond - 1 < options.GlobalEpisodeCooldownSeconds;
        _lastAnomalousSecond = Math.Max(_lastAnomalousSecond, second);
        if (continues) return null;

        if (_runStart == long.MinValue || second != _runEnd + 1) _runStart = second;
        _runEnd = second;
        if (second - _runStart + 1 < Math.Max(1, options.GlobalMinAnomalousSeconds)) return null;

        InEpisode = true;
        EpisodeStartedAt = second;
        return new GlobalAlert(second, anomaly.Condition, anomaly.Rate, anomaly.Mean, anomaly.Std);
    }
}

/// <summary>
/// The site-wide rule as first designed, kept for comparison (<see cref="GlobalRuleKind.Original"/>): the 60 s
/// global rate against the baseline's Mean/Std60. Anomalous when z > Z ("global_zscore>3.0") and rate >
/// GlobalMinRiseFactor × Mean, or rate > M × Mean ("global_rate>5.0x_mean"); only when the baseline is Warm.
/// </summary>
public sealed class OriginalGlobalRule(DetectionOptions options)
{
    private readonly string _zScoreCondition = IpRule.ZScoreCondition("global", options.ZScoreThreshold);
    private readonly string _rateCondition = IpRule.RateCondition("global", options.RateMultiplier);

    public SiteAnomaly? Judge(double rate60, BaselineSnapshot baseline)
    {
        if (!baseline.Warm) return null;
        if (baseline.Std60 > 0 && (rate60 - baseline.Mean) / baseline.Std60 > options.ZScoreThreshold
            && rate60 > options.GlobalMinRiseFactor * baseline.Mean)
            return new SiteAnomaly(_zScoreCondition, rate60, baseline.Mean, baseline.Std60);
        if (rate60 > options.RateMultiplier * baseline.Mean)
            return new SiteAnomaly(_rateCondition, rate60, baseline.Mean, baseline.Std60);
        return null;
    }
}

using Detector.Baseline;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>
/// Global rule with episodes: the 60 s global rate against Mean/Std60. Anomalous when z > Z ("global_zscore>3.0")
/// and rate > GlobalMinRiseFactor × Mean, or rate > M × Mean ("global_rate>5.0x_mean"). Only when the baseline is Warm.
/// GlobalMinAnomalousSeconds consecutive anomalous seconds open an episode and yield one alert (a lone flooder is
/// banned, and its traffic taken out of the site's window, before that); the episode closes after
/// GlobalEpisodeCooldownSeconds without anomaly.
/// </summary>
/// <remarks>
/// Quiet time is measured in event seconds, not in calls: seconds may jump (replay gaps, quiet ticks), and a
/// jump of at least the cooldown past the last anomalous second closes the episode.
/// A cold baseline is never anomalous; it counts as quiet time like any other non-anomalous second.
/// </remarks>
public sealed class GlobalEpisodeTracker
{
    private readonly DetectionOptions _options;
    private readonly string _zScoreCondition;
    private readonly string _rateCondition;
    private long _lastAnomalousSecond;
    private long _runStart = long.MinValue;
    private long _runEnd = long.MinValue;

    public GlobalEpisodeTracker(DetectionOptions options)
    {
        _options = options;
        _zScoreCondition = IpRule.ZScoreCondition("global", options.ZScoreThreshold);
        _rateCondition = IpRule.RateCondition("global", options.RateMultiplier);
    }

    public bool InEpisode { get; private set; }

    /// <summary>Second of the alert that opened the current (or last) episode; null before any.</summary>
    public long? EpisodeStartedAt { get; private set; }

    public (bool Anomalous, GlobalAlert? Alert) Evaluate(long second, double rate60, BaselineSnapshot baseline)
    {
        var condition = baseline.Warm ? Condition(rate60, baseline) : null;

        if (condition is null)
        {
            _runStart = long.MinValue;
            if (InEpisode && second - _lastAnomalousSecond >= _options.GlobalEpisodeCooldownSeconds)
                InEpisode = false;
            return (false, null);
        }

        // Quiet seconds strictly between the last anomaly and this one.
        var continues = InEpisode && second - _lastAnomalousSecond - 1 < _options.GlobalEpisodeCooldownSeconds;
        _lastAnomalousSecond = Math.Max(_lastAnomalousSecond, second);
        if (continues) return (true, null);

        if (_runStart == long.MinValue || second != _runEnd + 1) _runStart = second;
        _runEnd = second;
        if (second - _runStart + 1 < Math.Max(1, _options.GlobalMinAnomalousSeconds)) return (true, null);

        InEpisode = true;
        EpisodeStartedAt = second;
        return (true, new GlobalAlert(second, condition, rate60, baseline.Mean, baseline.Std60));
    }

    private string? Condition(double rate60, BaselineSnapshot baseline)
    {
        if (baseline.Std60 > 0 && (rate60 - baseline.Mean) / baseline.Std60 > _options.ZScoreThreshold
            && rate60 > _options.GlobalMinRiseFactor * baseline.Mean)
            return _zScoreCondition;
        if (rate60 > _options.RateMultiplier * baseline.Mean)
            return _rateCondition;
        return null;
    }
}

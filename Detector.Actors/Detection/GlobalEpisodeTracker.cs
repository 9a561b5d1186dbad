using Detector.Baseline;
using Detector.Configuration;

namespace Detector.Detection;

/// <summary>
/// Global rule with episodes: the 60 s global rate against Mean/Std60. Anomalous when z > Z ("global_zscore>3.0")
/// or rate > M × Mean ("global_rate>5.0x_mean"). Only when the baseline is Warm. The first anomalous second
/// opens an episode and yields one alert; the episode closes after GlobalEpisodeCooldownSeconds without anomaly.
/// </summary>
public sealed class GlobalEpisodeTracker
{
    public GlobalEpisodeTracker(DetectionOptions options) => throw new NotImplementedException();

    public bool InEpisode => throw new NotImplementedException();

    public (bool Anomalous, GlobalAlert? Alert) Evaluate(long second, double rate60, BaselineSnapshot baseline) =>
        throw new NotImplementedException();
}

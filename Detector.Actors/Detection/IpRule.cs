using Detector.Baseline;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Windows;

namespace Detector.Detection;

/// <summary>Per-IP rule: window rate against the per-IP population statistics of the baseline.</summary>
public static class IpRule
{
    /// <summary>
    /// rate = window.Requests / WindowSeconds. Fires "ip_zscore>{Z}" when (rate - IpMean)/IpStd > Z, else
    /// "ip_rate>{M}x_mean" when rate > M × IpMean. Error surge (window errors ≥ ErrorSurgeMinErrors and error share
    /// > ErrorSurgeMultiplier × ErrorRate) divides Z and M by ErrorSurgeTightenFactor and appends "+error_surge".
    /// Numbers in conditions use invariant culture, one decimal ("ip_zscore>3.0", "ip_rate>5.0x_mean").
    /// </summary>
    public static IpVerdict? Evaluate(IpKey ip, long second, SecondCounts window, BaselineSnapshot baseline, DetectionOptions options) =>
        throw new NotImplementedException();
}

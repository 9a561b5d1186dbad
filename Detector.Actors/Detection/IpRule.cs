using System.Globalization;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Windows;

namespace Detector.Detection;

/// <summary>Per-IP rule: window rate against the per-IP population statistics of the baseline.</summary>
public static class IpRule
{
    public const string ErrorSurgeSuffix = "+error_surge";

    /// <summary>
    /// rate = window.Requests / WindowSeconds. Fires "ip_zscore>{Z}" when (rate - IpMean)/IpStd > Z, else
    /// "ip_rate>{M}x_mean" when rate > M × IpMean. Error surge (window errors ≥ ErrorSurgeMinErrors and error share
    /// > ErrorSurgeMultiplier × ErrorRate) divides Z and M by ErrorSurgeTightenFactor and appends "+error_surge".
    /// Numbers in conditions use invariant culture, one decimal ("ip_zscore>3.0", "ip_rate>5.0x_mean").
    /// A non-positive IpStd disables the z-score rule (the multiplier rule still applies).
    /// </summary>
    public static IpVerdict? Evaluate(IpKey ip, long second, SecondCounts window, BaselineSnapshot baseline, DetectionOptions options)
    {
        if (window.Requests <= 0) return null;

        var rate = (double)window.Requests / options.WindowSeconds;
        var surge = IsErrorSurge(window, baseline, options);
        var tighten = surge ? options.ErrorSurgeTightenFactor : 1.0;
        var z = options.ZScoreThreshold / tighten;
        var m = options.RateMultiplier / tighten;

        string? condition = null;
        if (baseline.IpStd > 0 && (rate - baseline.IpMean) / baseline.IpStd > z)
            condition = ZScoreCondition("ip", z);
        else if (rate > m * baseline.IpMean)
            condition = RateCondition("ip", m);

        if (condition is null) return null;
        if (surge) condition += ErrorSurgeSuffix;
        return new IpVerdict(ip, second, condition, rate, baseline.IpMean, baseline.IpStd);
    }

    /// <summary>
    /// A rate (req/s over the window) at or below which <see cref="Evaluate"/> cannot fire whatever the error mix:
    /// lets the pipeline batch quiet IPs' traffic without changing any verdict.
    /// </summary>
    public static double LowestFiringRate(BaselineSnapshot baseline, DetectionOptions options)
    {
        var lowest = double.MaxValue;
        foreach (var tighten in (ReadOnlySpan<double>)[1.0, options.ErrorSurgeTightenFactor])
        {
            if (baseline.IpStd > 0) lowest = Math.Min(lowest, baseline.IpMean + options.ZScoreThreshold / tighten * baseline.IpStd);
            lowest = Math.Min(lowest, options.RateMultiplier / tighten * baseline.IpMean);
        }
        return Math.Max(0, lowest);
    }

    /// <summary>The IP's own error share greatly exceeds the site's, on enough errors to mean something.</summary>
    public static bool IsErrorSurge(SecondCounts window, BaselineSnapshot baseline, DetectionOptions options) =>
        window.Requests > 0
        && window.Errors >= options.ErrorSurgeMinErrors
        && (double)window.Errors / window.Requests > options.ErrorSurgeMultiplier * baseline.ErrorRate;

    internal static string ZScoreCondition(string scope, double threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope}_zscore>{threshold:F1}");

    internal static string RateCondition(string scope, double multiplier) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope}_rate>{multiplier:F1}x_mean");
}

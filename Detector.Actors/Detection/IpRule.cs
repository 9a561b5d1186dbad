using System.Globalization;
using Detector.Baseline;
using Detector.Configuration;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>
/// Per-IP rules, each naming itself in the verdict's condition. Rates are req/s: a window's requests divided by its
/// length. In order:
/// <list type="bullet">
/// <item>the original rules: the 60 s rate against the per-IP population, "ip_zscore>{Z}" when (rate − IpMean)/IpStd > Z,
/// else "ip_rate>{M}x_mean" when rate > M × IpMean; an error surge (≥ ErrorSurgeMinErrors errors, share above
/// ErrorSurgeMultiplier × the site's error rate) divides Z and M by ErrorSurgeTightenFactor ("+error_surge");</item>
/// <item>client errors from the IP's own answers, absolute and relative: "ip_auth_failures>={N}/60s" (401/403) or
/// "ip_not_found>={N}/60s" (404) when the count reaches N and is at least ClientErrorMinShare of the IP's requests and
/// above ErrorSurgeMultiplier × the site's error rate;</item>
/// <item>repetition: "ip_repetitive>={S}_top2_10m" when at least RepetitiveMinRequests of the horizon's requests
/// went to the IP, S or more of them to the same one or two paths, from fewer than SharedMinAgents agents: a
/// client that sits on <c>/login</c> and <c>/</c> is unlike any real client mix, whatever its rate; and
/// "ip_repetitive_route>={S}_top2_10m", the same on endpoints (paths without their query) with a higher count and
/// share, for a flood that only varies its query;</item>
/// <item>sustained abuse: "ip_sustained>{R}/s_10m" when both the long horizon's rate and the window's exceed R,
/// only for an address without the shared-and-legitimate evidence below;</item>
/// <item>a surge's sources: "ip_surge_contributor>{R}/s" during a global episode when the window's rate exceeds R.</item>
/// </list>
/// Every rate rule (not the error or repetition rules) is multiplied by SharedBarRaise for an address whose window looks shared
/// and legitimate — mostly successful answers, and mostly WebDAV/OCS client traffic or many user agents — and a
/// verdict against a raised bar says so ("+shared_bar").
/// </summary>
public static class IpRule
{
    public const string ErrorSurgeSuffix = "+error_surge";
    public const string SharedBarSuffix = "+shared_bar";

    /// <summary>A window this much successful WebDAV/OCS is a sync client's, not a browser's or a script's.</summary>
    private const double SyncAppShare = 0.9;

    /// <summary>The original rules alone (no horizon, no agents, no surge).</summary>
    public static IpVerdict? Evaluate(IpKey ip, long second, SecondCounts window, BaselineSnapshot baseline, DetectionOptions options) =>
        Evaluate(ip, second, new IpEvidence(window), baseline, options);

    public static IpVerdict? Evaluate(IpKey ip, long second, in IpEvidence evidence, BaselineSnapshot baseline, DetectionOptions options)
    {
        var window = evidence.Window;
        if (window.Requests <= 0) return null;

        var rate = (double)window.Requests / options.WindowSeconds;
        var bar = SharedBar(evidence, options);
        var barSuffix = bar > 1 ? SharedBarSuffix : "";

        var condition = OriginalRules(rate / bar, window, baseline, options);
        if (condition is not null) return Verdict(condition + barSuffix);

        condition = ClientErrorRule(window, baseline, options);
        if (condition is not null) return Verdict(condition);

        if (evidence.DistinctAgents < Math.Max(1, options.SharedMinAgents))
        {
            if (options.RepetitiveMinRequests > 0
                && evidence.HorizonPaths >= options.RepetitiveMinRequests
                && evidence.HorizonTopTwoPaths >= options.RepetitiveMinShare * evidence.HorizonPaths)
                return Verdict(string.Create(CultureInfo.InvariantCulture,
                    $"ip_repetitive>={options.RepetitiveMinShare:F2}_top2_{options.SustainedHorizonSeconds / 60}m"));
            if (options.RepetitiveRouteMinRequests > 0
                && evidence.HorizonPaths >= options.RepetitiveRouteMinRequests
                && evidence.HorizonTopTwoRoutes >= options.RepetitiveRouteMinShare * evidence.HorizonPaths)
                return Verdict(string.Create(CultureInfo.InvariantCulture,
                    $"ip_repetitive_route>={options.RepetitiveRouteMinShare:F2}_top2_{options.SustainedHorizonSeconds / 60}m"));
        }

        // Rate alone over minutes is no evidence against an address that looks shared and legitimate (an office,
        // a sync client catching up, a photo upload): only the original rules' far higher bar applies to it.
        if (options.SustainedRate > 0 && bar <= 1)
        {
            var threshold = options.SustainedRate * bar;
            var horizonRate = (double)evidence.Horizon.Requests / options.SustainedHorizonSeconds;
            if (horizonRate > threshold && rate > threshold)
                return Verdict(string.Create(CultureInfo.InvariantCulture,
                    $"ip_sustained>{options.SustainedRate:F1}/s_{options.SustainedHorizonSeconds / 60}m{barSuffix}"));
        }

        if (evidence.SiteSurge && options.SurgeContributorRate > 0 && rate > options.SurgeContributorRate * bar)
            return Verdict(string.Create(CultureInfo.InvariantCulture, $"ip_surge_contributor>{options.SurgeContributorRate:F1}/s{barSuffix}"));

        return null;

        IpVerdict Verdict(string c) => new(ip, second, c, rate, baseline.IpMean, baseline.IpStd);
    }

    /// <summary>
    /// A rate (req/s over the window) at or below which no rate rule can fire whatever the rest of the evidence: lets
    /// the pipeline batch quiet IPs' traffic without changing any verdict. The error rules are bounded separately by
    /// <see cref="HighestQuietErrors"/>; the shared bar only ever raises thresholds.
    /// </summary>
    public static double LowestFiringRate(BaselineSnapshot baseline, DetectionOptions options, bool siteSurge = true)
    {
        var lowest = double.MaxValue;
        foreach (var tighten in (ReadOnlySpan<double>)[1.0, options.ErrorSurgeTightenFactor])
        {
            if (baseline.IpStd > 0) lowest = Math.Min(lowest, baseline.IpMean + options.ZScoreThreshold / tighten * baseline.IpStd);
            lowest = Math.Min(lowest, options.RateMultiplier / tighten * baseline.IpMean);
        }
        if (options.SustainedRate > 0) lowest = Math.Min(lowest, options.SustainedRate);
        if (siteSurge && options.SurgeContributorRate > 0) lowest = Math.Min(lowest, options.SurgeContributorRate);
        return Math.Max(0, lowest);
    }

    /// <summary>The fewest requests in the horizon with which a repetition rule can fire; int.MaxValue when both are off.</summary>
    public static int RepetitionFloor(DetectionOptions options)
    {
        var floor = int.MaxValue;
        if (options.RepetitiveMinRequests > 0) floor = options.RepetitiveMinRequests;
        if (options.RepetitiveRouteMinRequests > 0) floor = Math.Min(floor, options.RepetitiveRouteMinRequests);
        return floor;
    }

    /// <summary>A count of 4xx/5xx answers in the window at or below which no client-error rule can fire.</summary>
    public static int HighestQuietErrors(DetectionOptions options)
    {
        var lowest = int.MaxValue;
        if (options.AuthFailureMinCount > 0) lowest = Math.Min(lowest, options.AuthFailureMinCount - 1);
        if (options.NotFoundMinCount > 0) lowest = Math.Min(lowest, options.NotFoundMinCount - 1);
        return Math.Max(0, lowest);
    }

    /// <summary>The IP's own error share greatly exceeds the site's, on enough errors to mean something.</summary>
    public static bool IsErrorSurge(SecondCounts window, BaselineSnapshot baseline, DetectionOptions options) =>
        window.Requests > 0
        && window.Errors >= options.ErrorSurgeMinErrors
        && (double)window.Errors / window.Requests > options.ErrorSurgeMultiplier * baseline.ErrorRate;

    /// <summary>
    /// How much higher the rate rules' bar is for an address whose window looks shared and legitimate: with at least
    /// SharedMinSuccessShare of it answered with success, SharedBarRaise when SharedMinAppShare of it is successful
    /// WebDAV/OCS traffic (twice that when nearly all of it is), and SharedBarRaise × agents / SharedMinAgents (at most SharedBarMax) for SharedMinAgents or
    /// more distinct user agents; else 1.
    /// </summary>
    public static double SharedBar(in IpEvidence evidence, DetectionOptions options)
    {
        var window = evidence.Window;
        if (options.SharedBarRaise <= 1 || window.Requests <= 0) return 1;
        var successShare = (double)window.Successes / window.Requests;
        if (successShare < options.SharedMinSuccessShare) return 1;
        var bar = 1.0;
        var appShare = (double)window.AppSuccesses / window.Requests;
        // Nearly all of it successful WebDAV/OCS is what a sync client catching up or uploading a folder sends:
        // the highest bar, so only a flood far beyond any client's pace is banned on rate.
        if (appShare >= options.SharedMinAppShare)
            bar = appShare >= SyncAppShare ? 2 * options.SharedBarRaise : options.SharedBarRaise;
        // Each further group of SharedMinAgents agents is likely more people: the bar grows with them, up to SharedBarMax.
        if (options.SharedMinAgents > 0 && evidence.DistinctAgents >= options.SharedMinAgents)
            bar = Math.Max(bar, Math.Min(Math.Max(options.SharedBarMax, options.SharedBarRaise),
                options.SharedBarRaise * evidence.DistinctAgents / options.SharedMinAgents));
        return bar;
    }

    private static string? OriginalRules(double rate, SecondCounts window, BaselineSnapshot baseline, DetectionOptions options)
    {
        var surge = IsErrorSurge(window, baseline, options);
        var tighten = surge ? options.ErrorSurgeTightenFactor : 1.0;
        var z = options.ZScoreThreshold / tighten;
        var m = options.RateMultiplier / tighten;

        string? condition = null;
        if (baseline.IpStd > 0 && (rate - baseline.IpMean) / baseline.IpStd > z)
            condition = ZScoreCondition("ip", z);
        else if (rate > m * baseline.IpMean)
            condition = RateCondition("ip", m);

        return condition is not null && surge ? condition + ErrorSurgeSuffix : condition;
    }

    private static string? ClientErrorRule(SecondCounts window, BaselineSnapshot baseline, DetectionOptions options)
    {
        var minShare = Math.Max(options.ClientErrorMinShare, options.ErrorSurgeMultiplier * baseline.ErrorRate);
        if (options.AuthFailureMinCount > 0 && window.AuthFailures >= options.AuthFailureMinCount
            && (double)window.AuthFailures / window.Requests >= minShare)
            return string.Create(CultureInfo.InvariantCulture, $"ip_auth_failures>={options.AuthFailureMinCount}/{options.WindowSeconds}s");
        if (options.NotFoundMinCount > 0 && window.NotFound >= options.NotFoundMinCount
            && (double)window.NotFound / window.Requests >= minShare)
            return string.Create(CultureInfo.InvariantCulture, $"ip_not_found>={options.NotFoundMinCount}/{options.WindowSeconds}s");
        return null;
    }

    internal static string ZScoreCondition(string scope, double threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope}_zscore>{threshold:F1}");

    internal static string RateCondition(string scope, double multiplier) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope}_rate>{multiplier:F1}x_mean");
}

namespace Detector.Enforcement.Firewall.Cloudflare;

/// <summary>Which desired bans a list of limited size holds: the most severe first (permanent, then the longest
/// remaining; a repeat offender's ban is both), by target among equals, so the choice is the same at every reconcile.</summary>
public static class CloudflareListCapacity
{
    /// <param name="desired">Targets and their remaining seconds (null = permanent).</param>
    /// <returns>The targets kept and those left out, the latter in the order they were dropped (least severe first).</returns>
    public static (Dictionary<BanTarget, long?> Kept, List<BanTarget> LeftOut) Fit(IReadOnlyDictionary<BanTarget, long?> desired, int maxItems)
    {
        if (desired.Count <= maxItems) return (new Dictionary<BanTarget, long?>(desired), []);
        var bySeverity = desired
            .OrderByDescending(d => d.Value ?? long.MaxValue)
            .ThenBy(d => d.Key)
            .ToList();
        var kept = bySeverity.Take(Math.Max(0, maxItems)).ToDictionary(d => d.Key, d => d.Value);
        var leftOut = bySeverity.Skip(Math.Max(0, maxItems)).Select(d => d.Key).Reverse().ToList();
        return (kept, leftOut);
    }
}

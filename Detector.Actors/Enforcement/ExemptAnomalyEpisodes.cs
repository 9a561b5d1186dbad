using Detector.Ingest;
using Detector.Domain;

namespace Detector.Enforcement;

/// <summary>
/// Anomalies of exempt IPs, grouped into episodes so each is audited once, not every second it stays hot. An
/// episode ends after <see cref="QuietSeconds"/> without a verdict for that IP. Times are event-time seconds.
/// </summary>
public sealed class ExemptAnomalyEpisodes(long quietSeconds = ExemptAnomalyEpisodes.DefaultQuietSeconds)
{
    public const long DefaultQuietSeconds = 120;

    private readonly Dictionary<IpKey, long> _lastVerdict = new();

    public long QuietSeconds { get; } = quietSeconds;

    /// <returns>true when this verdict starts a new episode (audit it); false while one is running.</returns>
    public bool Observe(IpKey ip, long now)
    {
        var starts = !_lastVerdict.TryGetValue(ip, out var last) || now - last > QuietSeconds;
        _lastVerdict[ip] = now;
        if (starts && _lastVerdict.Count > 64) Prune(now);
        return starts;
    }

    private void Prune(long now)
    {
        foreach (var (ip, last) in _lastVerdict)
            if (now - last > QuietSeconds) _lastVerdict.Remove(ip);
    }
}

using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Tests.Baseline;

/// <summary>
/// The baseline computed directly from a plain record of every second and IP-minute, for comparison with BaselineModel.
/// Gaps are learned zero seconds; Forget subtracts from learned seconds still within the history.
/// </summary>
internal sealed class BaselineReference(int historyMinutes)
{
    private readonly int _historySeconds = historyMinutes * 60;
    private readonly SortedDictionary<long, (SecondCounts Counts, bool Learned)> _seconds = new();
    private readonly Dictionary<long, List<int>> _ipMinutes = new();
    private long _latest = long.MinValue;

    public void RecordSecond(long second, SecondCounts counts, bool anomalous)
    {
        if (_latest != long.MinValue)
            for (var gap = _latest + 1; gap < second; gap++)
                _seconds[gap] = (default, true);
        _seconds[second] = (counts, !anomalous);
        _latest = second;
    }

    public void Forget(long second, SecondCounts counts)
    {
        if (second <= _latest - _historySeconds || !_seconds.TryGetValue(second, out var entry) || !entry.Learned)
            return;
        var c = entry.Counts;
        entry.Counts = new SecondCounts(
            c.Requests - Math.Clamp(counts.Requests, 0, c.Requests),
            c.Errors - Math.Clamp(counts.Errors, 0, c.Errors),
            c.AuthFailures - Math.Clamp(counts.AuthFailures, 0, c.AuthFailures),
            c.NotFound - Math.Clamp(counts.NotFound, 0, c.NotFound));
        _seconds[second] = entry;
    }

    public void RecordIpMinute(long minuteEndSecond, int[] requestsPerIp)
    {
        var minute = (long)Math.Floor((minuteEndSecond - 1) / 60.0);
        if (!_ipMinutes.TryGetValue(minute, out var list))
            _ipMinutes[minute] = list = [];
        list.AddRange(requestsPerIp);
    }

    /// <summary>Learned seconds in (now − history, now].</summary>
    public List<(long Second, SecondCounts Counts)> Learned(long now) => _seconds
        .Where(kv => kv.Key > now - _historySeconds && kv.Key <= now && kv.Value.Learned)
        .Select(kv => (kv.Key, kv.Value.Counts))
        .ToList();

    public (double Mean, double Std, double ErrorRate, int Points) SecondStats(long now) => SecondStats(Learned(now));

    public static (double Mean, double Std, double ErrorRate, int Points) SecondStats(List<(long Second, SecondCounts Counts)> learned)
    {
        var requests = learned.Select(l => (double)l.Counts.Requests).ToList();
        var (mean, std) = MeanAndStd(requests);
        var totalRequests = learned.Sum(l => (long)l.Counts.Requests);
        var errorRate = totalRequests == 0 ? 0 : (double)learned.Sum(l => (long)l.Counts.Errors) / totalRequests;
        return (mean, std, errorRate, learned.Count);
    }

    public double Std60(long now) => Std60(Learned(now));

    public static double Std60(List<(long Second, SecondCounts Counts)> learned)
    {
        var minuteRates = learned
            .GroupBy(l => (long)Math.Floor(l.Second / 60.0))
            .Where(g => g.Count() >= 30)
            .Select(g => g.Sum(l => (double)l.Counts.Requests) / g.Count())
            .ToList();
        return MeanAndStd(minuteRates).Std;
    }

    public (double Mean, double Std) IpStats(long now, bool robust = false)
    {
        var counts = _ipMinutes
            .Where(kv => kv.Key * 60 + 59 > now - _historySeconds && kv.Key * 60 + 59 <= now)
            .SelectMany(kv => kv.Value)
            .ToList();
        if (robust) return MedianAndMadScale(counts);
        return MeanAndStd(counts.Select(count => count / 60.0).ToList());
    }

    /// <summary>Lower median of the counts and 1.4826 × the lower median of their absolute deviations, as rates.</summary>
    public static (double Median, double MadScale) MedianAndMadScale(IReadOnlyList<int> counts)
    {
        if (counts.Count == 0)
            return (0, 0);
        static long LowerMedian(IEnumerable<long> values)
        {
            var sorted = values.Order().ToList();
            return sorted[(sorted.Count - 1) / 2];
        }
        var median = LowerMedian(counts.Select(c => (long)c));
        var mad = LowerMedian(counts.Select(c => Math.Abs(c - median)));
        return (median / 60.0, 1.4826 * mad / 60.0);
    }

    public static (double Mean, double Std) MeanAndStd(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
            return (0, 0);
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return (mean, Math.Sqrt(variance));
    }
}

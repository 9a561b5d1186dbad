using System.Runtime.InteropServices;
using Detector.Ingest;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Pipeline;

/// <summary>An IP's exact traffic over the last window of event time.</summary>
public sealed record TopTalker(IpKey Ip, SecondCounts Window, bool Banned);

/// <summary>
/// Exact per-IP totals over the last <c>windowSeconds</c> closed seconds, for the "top source IPs" view.
/// Memory is one entry per (IP, active second) inside the window; a second's entries leave as it falls out.
/// </summary>
internal sealed class RecentTalkers(int windowSeconds)
{
    private readonly Dictionary<IpKey, SecondCounts> _totals = new();
    private readonly Queue<(long Second, IpKey Ip, SecondCounts Counts)> _bySecond = new();

    public int Count => _totals.Count;

    public void Add(long second, IpKey ip, SecondCounts counts)
    {
        if (counts.Requests == 0) return;
        _bySecond.Enqueue((second, ip, counts));
        ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(_totals, ip, out _);
        total += counts;
    }

    /// <summary>Drops seconds that are no longer inside a window ending at <paramref name="latestSecond"/>.</summary>
    public void AdvanceTo(long latestSecond)
    {
        var oldestKept = latestSecond - windowSeconds + 1;
        while (_bySecond.TryPeek(out var head) && head.Second < oldestKept)
        {
            _bySecond.Dequeue();
            ref var total = ref CollectionsMarshal.GetValueRefOrNullRef(_totals, head.Ip);
            total -= head.Counts;
            if (total.Requests <= 0) _totals.Remove(head.Ip);
        }
    }

    /// <summary>The <paramref name="n"/> busiest IPs, most requests first (ties by IP, so the order is stable).</summary>
    public TopTalker[] Top(int n, Func<IpKey, bool> isBanned)
    {
        if (n <= 0 || _totals.Count == 0) return [];
        // Min-heap of the best n so far: O(IPs · log n).
        var best = new PriorityQueue<(IpKey Ip, SecondCounts Counts), (int Requests, IpKey Ip)>(n + 1, LeastFirst.Instance);
        foreach (var (ip, counts) in _totals)
        {
            best.Enqueue((ip, counts), (counts.Requests, ip));
            if (best.Count > n) best.Dequeue();
        }
        var top = new TopTalker[best.Count];
        for (var i = top.Length - 1; i >= 0; i--)
        {
            var (ip, counts) = best.Dequeue();
            top[i] = new TopTalker(ip, counts, isBanned(ip));
        }
        return top;
    }

    /// <summary>The window's count of <paramref name="measure"/> from the <paramref name="k"/> addresses with the most
    /// of it that are not banned.</summary>
    public int Busiest(int k, Func<SecondCounts, int> measure, Func<IpKey, bool> isBanned)
    {
        if (k <= 0) return 0;
        Span<int> best = stackalloc int[k]; // descending
        foreach (var (ip, counts) in _totals)
        {
            var value = measure(counts);
            if (value <= best[k - 1] || isBanned(ip)) continue;
            var i = k - 1;
            for (; i > 0 && best[i - 1] < value; i--) best[i] = best[i - 1];
            best[i] = value;
        }
        var sum = 0;
        foreach (var r in best) sum += r;
        return sum;
    }

    /// <summary>Fewer requests first; on a tie the higher IP first, so the lower IP is kept and listed first.</summary>
    private sealed class LeastFirst : IComparer<(int Requests, IpKey Ip)>
    {
        public static readonly LeastFirst Instance = new();

        public int Compare((int Requests, IpKey Ip) a, (int Requests, IpKey Ip) b)
        {
            var c = a.Requests.CompareTo(b.Requests);
            return c != 0 ? c : b.Ip.CompareTo(a.Ip);
        }
    }
}

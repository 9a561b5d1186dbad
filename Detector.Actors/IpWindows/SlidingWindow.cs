using Detector.Domain;
namespace Detector.IpWindows;

/// <summary>
/// Counts over the last <c>WindowSeconds</c> whole seconds of event time, ending at <see cref="LatestSecond"/>
/// (inclusive): seconds s with LatestSecond - WindowSeconds &lt; s &lt;= LatestSecond.
/// A fixed ring of per-second buckets with running totals: memory is O(WindowSeconds) whatever the rate,
/// Add is O(1), AdvanceTo is O(seconds skipped, capped at WindowSeconds).
/// </summary>
public sealed class SlidingWindow
{
    // Invariant: every bucket outside the window is default, so Totals is the sum of all buckets.
    private readonly SecondCounts[] _buckets;
    private SecondCounts _totals;

    public SlidingWindow(int windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        _buckets = new SecondCounts[windowSeconds];
    }

    public int WindowSeconds => _buckets.Length;
    /// <summary>Number of per-second buckets held; fixed at WindowSeconds for the window's lifetime.</summary>
    public int BucketCapacity => _buckets.Length;
    /// <summary>long.MinValue until the first Add/AdvanceTo.</summary>
    public long LatestSecond { get; private set; } = long.MinValue;
    public SecondCounts Totals => _totals;
    public bool IsEmpty => Totals.Requests == 0;

    private bool Started => LatestSecond != long.MinValue;
    private long OldestSecond => LatestSecond - WindowSeconds + 1;

    /// <summary>Adds counts at <paramref name="second"/>. A second newer than LatestSecond advances the window first;
    /// a second still inside the window is added to its bucket; an older one is ignored and returns false.</summary>
    public bool Add(long second, SecondCounts counts)
    {
        if (!Started || second > LatestSecond)
            AdvanceTo(second);
        else if (second < OldestSecond)
            return false;

        _buckets[IndexOf(second)] += counts;
        _totals += counts;
        return true;
    }

    /// <summary>Moves the window end forward (never backward), dropping buckets that fall out.</summary>
    public void AdvanceTo(long second)
    {
        if (!Started)
        {
            LatestSecond = second;
            return;
        }
        if (second <= LatestSecond)
            return;

        if (second - LatestSecond >= WindowSeconds)
        {
            Array.Clear(_buckets);
            _totals = default;
        }
        else
        {
            for (var s = LatestSecond + 1; s <= second; s++)
            {
                ref var bucket = ref _buckets[IndexOf(s)];
                _totals -= bucket;
                bucket = default;
            }
        }
        LatestSecond = second;
    }

    /// <summary>The bucket for one second if it is inside the window, else default.</summary>
    public SecondCounts At(long second) =>
        Started && second <= LatestSecond && second >= OldestSecond ? _buckets[IndexOf(second)] : default;

    /// <summary>(second, counts) of the non-empty buckets inside the window, oldest first.</summary>
    public IEnumerable<(long Second, SecondCounts Counts)> Buckets()
    {
        if (!Started)
            yield break;
        for (var s = OldestSecond; s <= LatestSecond; s++)
        {
            var counts = _buckets[IndexOf(s)];
            if (counts != default)
                yield return (s, counts);
        }
    }

    private int IndexOf(long second) => EventTime.FloorMod(second, _buckets.Length);
}

using Detector.Domain;
namespace Detector.IpWindows;

/// <summary>
/// Counts over a long horizon (e.g. 10 minutes) in coarse buckets: a <see cref="SlidingWindow"/> over bucket
/// numbers, so memory is HorizonSeconds / BucketSeconds buckets whatever the rate. Exact to the bucket: the totals
/// cover the last HorizonSeconds − BucketSeconds + 1 to HorizonSeconds seconds.
/// </summary>
public sealed class HorizonWindow
{
    private readonly SlidingWindow _buckets;

    public HorizonWindow(int horizonSeconds, int bucketSeconds = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonSeconds, bucketSeconds);
        BucketSeconds = bucketSeconds;
        HorizonSeconds = horizonSeconds / bucketSeconds * bucketSeconds;
        _buckets = new SlidingWindow(horizonSeconds / bucketSeconds);
    }

    public int HorizonSeconds { get; }
    public int BucketSeconds { get; }
    public SecondCounts Totals => _buckets.Totals;

    public void Add(long second, SecondCounts counts) => _buckets.Add(EventTime.FloorDiv(second, BucketSeconds), counts);

    public void AdvanceTo(long second) => _buckets.AdvanceTo(EventTime.FloorDiv(second, BucketSeconds));
}

namespace Detector.Windows;

/// <summary>
/// Counts over the last <c>WindowSeconds</c> whole seconds of event time, ending at <see cref="LatestSecond"/>
/// (inclusive): seconds s with LatestSecond - WindowSeconds &lt; s &lt;= LatestSecond.
/// A fixed ring of per-second buckets with running totals: memory is O(WindowSeconds) whatever the rate,
/// Add is O(1), AdvanceTo is O(seconds skipped, capped at WindowSeconds).
/// </summary>
public sealed class SlidingWindow
{
    public SlidingWindow(int windowSeconds) => throw new NotImplementedException();

    public int WindowSeconds => throw new NotImplementedException();
    /// <summary>long.MinValue until the first Add/AdvanceTo.</summary>
    public long LatestSecond => throw new NotImplementedException();
    public SecondCounts Totals => throw new NotImplementedException();
    public bool IsEmpty => Totals.Requests == 0;

    /// <summary>Adds counts at <paramref name="second"/>. A second newer than LatestSecond advances the window first;
    /// a second still inside the window is added to its bucket; an older one is ignored and returns false.</summary>
    public bool Add(long second, SecondCounts counts) => throw new NotImplementedException();

    /// <summary>Moves the window end forward (never backward), dropping buckets that fall out.</summary>
    public void AdvanceTo(long second) => throw new NotImplementedException();

    /// <summary>The bucket for one second if it is inside the window, else default.</summary>
    public SecondCounts At(long second) => throw new NotImplementedException();

    /// <summary>(second, counts) of the non-empty buckets inside the window, oldest first.</summary>
    public IEnumerable<(long Second, SecondCounts Counts)> Buckets() => throw new NotImplementedException();
}

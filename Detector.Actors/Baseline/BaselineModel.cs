using Detector.Configuration;
using Detector.Windows;

namespace Detector.Baseline;

/// <summary>
/// Rolling history of closed seconds (site-wide, banned IPs excluded) and per-IP minute rates, with
/// hour-of-day slots. Pure: time comes in as event-time seconds.
/// </summary>
public sealed class BaselineModel
{
    public BaselineModel(BaselineOptions baseline, DetectionOptions detection) => throw new NotImplementedException();

    /// <summary>The snapshot of the last <see cref="Recompute"/>; before the first one, floors only (Warm=false).</summary>
    public BaselineSnapshot Current => throw new NotImplementedException();

    /// <summary>Seconds currently held in the rolling history that count as learned (not anomalous).</summary>
    public int LearnedSeconds => throw new NotImplementedException();

    /// <summary>Records a closed second. Seconds must arrive in increasing order; gaps are seconds with zero requests.
    /// An anomalous second is kept as a gap in the history but never learned from.</summary>
    public void RecordSecond(long second, SecondCounts counts, bool anomalous) => throw new NotImplementedException();

    /// <summary>Removes traffic already learned at <paramref name="second"/> (an IP that was then banned).
    /// Ignored if that second has left the history.</summary>
    public void Forget(long second, SecondCounts counts) => throw new NotImplementedException();

    /// <summary>Records, for one closed minute, the request count of each active, not-banned IP in it.</summary>
    public void RecordIpMinute(long minuteEndSecond, ReadOnlySpan<int> requestsPerIp) => throw new NotImplementedException();

    /// <summary>Recomputes over the last HistoryMinutes ending at <paramref name="nowSecond"/>, preferring the
    /// current UTC hour's slot once it has SlotMinSeconds learned seconds; applies floors; becomes Current.</summary>
    public BaselineSnapshot Recompute(long nowSecond) => throw new NotImplementedException();
}

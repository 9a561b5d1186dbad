namespace Detector.Domain;

/// <summary>
/// Lets at most <c>perPeriod</c> occurrences of one repeated error through to a log per period and counts the rest,
/// so a failure that repeats for every event (a full disk under the audit writer) writes a few lines a minute saying
/// how many were suppressed, not one line per event. Pure: the caller gives the time (a monotonic clock in milliseconds).
/// Not thread-safe: one owner.
/// </summary>
public sealed class LogThrottle(int perPeriod, long periodMs)
{
    private long _periodStartMs = long.MinValue;
    private int _loggedInPeriod;
    private long _suppressed;

    /// <summary>Errors not logged since the last one that was.</summary>
    public long Suppressed => _suppressed;

    /// <summary>Whether this occurrence may be logged; if so, <paramref name="suppressedBefore"/> says how many were
    /// left out since the previous logged one (to say so in the line), and the count starts again.</summary>
    public bool TryLog(long nowMs, out long suppressedBefore)
    {
        if (_periodStartMs == long.MinValue || nowMs - _periodStartMs >= periodMs)
        {
            _periodStartMs = nowMs;
            _loggedInPeriod = 0;
        }
        if (_loggedInPeriod >= perPeriod)
        {
            _suppressed++;
            suppressedBefore = 0;
            return false;
        }
        _loggedInPeriod++;
        suppressedBefore = _suppressed;
        _suppressed = 0;
        return true;
    }
}

using Detector.Domain;

namespace Detector.Pipeline;

/// <summary>Where an entry falls relative to the open second.</summary>
public enum SecondPlacement
{
    /// <summary>In the open second (or it opened the first one).</summary>
    Open,
    /// <summary>Older than the open second, within the lateness tolerance: counted into the open second.</summary>
    Late,
    /// <summary>Older than the tolerance: left out of detection.</summary>
    TooLate,
    /// <summary>After the open second: close the seconds before it first, then place it again.</summary>
    Later,
}

/// <summary>
/// One step towards a watermark: close the open second in full, or close the quiet seconds [From, To) at once.
/// </summary>
public readonly record struct CloseStep(long From, long To)
{
    public static readonly CloseStep None = new(0, 0);

    public bool IsNone => To <= From;

    /// <summary>Only the one second <see cref="From"/>: it gets a full close.</summary>
    public bool IsFull => To == From + 1;

    /// <summary>More than one second, none of which needs work: a jump.</summary>
    public bool IsSkip => To > From + 1;

    public static CloseStep Full(long second) => new(second, second + 1);
}

/// <summary>
/// Cuts the entry stream into seconds of event time. Pure: no clock, no I/O. One second is open at a time; an
/// entry of a later second closes it (and every second before the entry's), an older one within the lateness
/// tolerance counts into it, an even older one is left out.
/// </summary>
/// <remarks>
/// <para>Closing never walks an event-time gap second by second. <see cref="Next"/> names the next second that
/// needs a full close (the open second when it holds traffic, whatever the caller says must close — the global
/// window still holding traffic, IP tracks at a minute end, a ban's expiry — and the baseline's recompute
/// boundaries); the quiet seconds before it are one <see cref="CloseStep.IsSkip"/> step, which the caller applies
/// in O(1). So a log jumping from 1970 to 2026 closes in a handful of steps.</para>
/// <para>Recompute boundaries (every RecomputeSeconds, each writing a BASELINE line) are kept one by one in a
/// stretch up to <c>longGapSeconds</c> (the baseline's history): the output is the same as closing every
/// second. In a longer stretch only the last boundary before its end is closed: one recompute after the gap
/// instead of one per minute of it (the history then holds the gap's last HistoryMinutes of zeros, as the
/// baseline model fills any long gap).</para>
/// <para>Live, the enforcement side is asked every second (manual bans, expiries), so in a short stretch every
/// second is closed in full; only a long stretch is jumped.</para>
/// </remarks>
public sealed class SecondCutter
{
    private readonly int _latenessTolerance;
    private readonly int _recomputeSeconds;
    private readonly long _longGapSeconds;
    private readonly bool _everySecondInShortStretch;

    /// <param name="latenessToleranceSeconds">How far behind the open second an entry may be and still count.</param>
    /// <param name="recomputeSeconds">The baseline recompute period: a second s with (s + 1) a multiple of it is a boundary.</param>
    /// <param name="longGapSeconds">A stretch longer than this keeps only its last recompute boundary.</param>
    /// <param name="everySecondInShortStretch">Live mode: close every second of a short stretch in full.</param>
    public SecondCutter(int latenessToleranceSeconds, int recomputeSeconds, long longGapSeconds, bool everySecondInShortStretch = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recomputeSeconds, 1);
        _latenessTolerance = latenessToleranceSeconds;
        _recomputeSeconds = recomputeSeconds;
        _longGapSeconds = Math.Max(1, longGapSeconds);
        _everySecondInShortStretch = everySecondInShortStretch;
    }

    /// <summary>The open second; long.MinValue before the first entry or tick.</summary>
    public long OpenSecond { get; private set; } = long.MinValue;

    public bool IsStarted => OpenSecond != long.MinValue;

    /// <summary>An entry was counted into the open second.</summary>
    public bool OpenHasTraffic { get; private set; }

    /// <summary>Opens <paramref name="second"/> if no second is open yet.</summary>
    public void StartAt(long second)
    {
        if (!IsStarted) OpenSecond = second;
    }

    /// <summary>Places an entry of <paramref name="second"/>; Open and Late count into the open second.</summary>
    public SecondPlacement Place(long second)
    {
        StartAt(second);
        if (second > OpenSecond) return SecondPlacement.Later;
        if (second < OpenSecond)
        {
            if (second < OpenSecond - _latenessTolerance) return SecondPlacement.TooLate;
            OpenHasTraffic = true;
            return SecondPlacement.Late;
        }
        OpenHasTraffic = true;
        return SecondPlacement.Open;
    }

    /// <summary>The next step to close every second before <paramref name="untilSecond"/>.</summary>
    /// <param name="mustClose">The first second ≥ the open one that the caller needs closed in full
    /// (long.MaxValue: none); the open second when it cannot tell.</param>
    public CloseStep Next(long untilSecond, long mustClose)
    {
        if (!IsStarted || OpenSecond >= untilSecond) return CloseStep.None;
        var open = OpenSecond;
        if (OpenHasTraffic || mustClose <= open) return CloseStep.Full(open);

        var longStretch = untilSecond - open > _longGapSeconds;
        if (_everySecondInShortStretch && !longStretch) return CloseStep.Full(open);

        var boundary = longStretch ? LastBoundaryBefore(untilSecond) : NextBoundaryFrom(open);
        if (boundary < open) boundary = long.MaxValue;
        if (boundary == open) return CloseStep.Full(open);

        var to = Math.Min(untilSecond, Math.Min(mustClose, boundary));
        return to == open + 1 ? CloseStep.Full(open) : new CloseStep(open, to);
    }

    /// <summary>The step was done: the next second is open.</summary>
    public void Done(CloseStep step)
    {
        if (step.IsNone) return;
        OpenSecond = step.To;
        OpenHasTraffic = false;
    }

    /// <summary>Whether closing <paramref name="second"/> (now = second + 1) ends a recompute period.</summary>
    public bool IsBoundary(long second) => EventTime.FloorMod(second + 1, _recomputeSeconds) == 0;

    /// <summary>The first boundary at or after <paramref name="second"/>.</summary>
    private long NextBoundaryFrom(long second)
    {
        var end = EventTime.FloorDiv(second + 1 + _recomputeSeconds - 1, _recomputeSeconds) * _recomputeSeconds;
        return end - 1;
    }

    /// <summary>The last boundary before <paramref name="untilSecond"/> (its now ≤ untilSecond).</summary>
    private long LastBoundaryBefore(long untilSecond) =>
        EventTime.FloorDiv(untilSecond, _recomputeSeconds) * _recomputeSeconds - 1;
}

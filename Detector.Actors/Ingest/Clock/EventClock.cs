using Detector.Configuration;
using Detector.Domain;

namespace Detector.Ingest.Clock;

public enum ClockMode
{
    /// <summary>Following a live log: wall-clock ticks close quiet seconds; future-dated lines are clamped to now.</summary>
    Live,
    /// <summary>Replaying a file: time is the watermark of the log's own timestamps.</summary>
    Replay,
}

/// <summary>
/// Event time for the pipeline (docs/architecture.md, time model). The watermark is the newest event time seen; in live mode, when
/// no lines arrive, it also follows the wall clock minus a small grace, so quiet seconds close. The wall clock
/// is read only here, and only in live mode.
/// </summary>
public sealed class EventClock(ClockMode mode, ClockOptions options, IngestCounters counters, TimeProvider wallClock)
{
    /// <summary>Lines reach the tail shortly after their timestamp; a live second closes this long after it ended.</summary>
    public const long LiveGraceMs = 2000;

    private readonly TimePlausibility _plausibility = new(options);
    private long _newestEventMs = long.MinValue;
    private bool _linesSinceTick;

    public ClockMode Mode => mode;

    public long WatermarkMs { get; private set; } = long.MinValue;

    /// <summary>
    /// Observes a batch: in live mode clamps future-dated entries to now (counted); turns down implausibly dated ones
    /// (<see cref="TimePlausibility"/>, counted as malformed); advances the watermark.
    /// </summary>
    /// <returns>The entries to process, in order (the same batch unless some were turned down, held or released).</returns>
    public EntryBatch Observe(EntryBatch batch)
    {
        var live = mode == ClockMode.Live;
        var nowMs = live ? wallClock.GetUtcNow().ToUnixTimeMilliseconds() : long.MinValue;
        if (live)
        {
            var entries = batch.Entries;
            var futureLimit = nowMs + options.FutureToleranceSeconds * 1000L;
            var clamped = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (entries[i].TimeMs <= futureLimit) continue;
                entries[i] = entries[i] with { TimeMs = nowMs };
                clamped++;
            }
            if (clamped > 0) counters.AddFutureClamped(clamped);
        }
        var admitted = _plausibility.Admit(batch, nowMs, out var rejected);
        Accepted(rejected);
        _linesSinceTick = true;
        Advance(long.MinValue);
        return admitted;
    }

    /// <summary>The end of a replay: lines still held as a suspected jump go on or are turned down
    /// (<see cref="TimePlausibility.Finish"/>).</summary>
    public EntryBatch Finish()
    {
        var released = _plausibility.Finish(out var rejected);
        Accepted(rejected);
        Advance(long.MinValue);
        return released;
    }

    private void Accepted(int rejected)
    {
        if (rejected > 0) counters.RejectImplausibleTime(rejected);
        var newest = _plausibility.NewestAcceptedMs;
        if (newest > _newestEventMs)
        {
            _newestEventMs = newest;
            counters.ObserveEventTime(newest);
        }
    }

    /// <summary>
    /// Live mode's wall-clock tick. The wall clock moves the watermark only when no lines arrived since the previous
    /// tick: while the tail is still reading a backlog (a restart, <c>--from-start</c>), time is the lines' own.
    /// </summary>
    public long Tick()
    {
        var idle = !_linesSinceTick;
        _linesSinceTick = false;
        return Advance(mode == ClockMode.Live && idle ? wallClock.GetUtcNow().ToUnixTimeMilliseconds() : long.MinValue);
    }

    private long Advance(long wallNowMs)
    {
        var candidate = _newestEventMs;
        if (mode == ClockMode.Live && wallNowMs != long.MinValue) candidate = Math.Max(candidate, wallNowMs - LiveGraceMs);
        if (candidate > WatermarkMs) WatermarkMs = candidate;
        return WatermarkMs;
    }
}

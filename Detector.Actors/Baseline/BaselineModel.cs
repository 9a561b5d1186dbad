using Detector.Configuration;
using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Baseline;

/// <summary>
/// Rolling history of closed seconds (site-wide, banned IPs excluded) and per-IP minute rates, with
/// hour-of-day slots. Pure: time comes in as event-time seconds.
/// </summary>
/// <remarks>
/// Gaps between recorded seconds are learned as zero-traffic seconds; a gap longer than the history only fills
/// its last HistoryMinutes (the rest would be evicted at once, and the hourly slots skip it as well).
/// Hourly slots hold each UTC hour of the last <see cref="HourlySlots.Days"/> days; Forget subtracts exactly
/// from the slot (per-second stats and, if the minute already closed, its minute rate).
/// </remarks>
public sealed class BaselineModel
{
    /// <summary>An aligned minute with fewer learned seconds does not count towards Std60.</summary>
    internal const int MinLearnedSecondsPerMinute = 30;

    private readonly BaselineOptions _baseline;
    private readonly DetectionOptions _detection;
    private readonly int _historySeconds;

    // Seconds ring: index FloorMod(second, historySeconds); holds the contiguous seconds (_latest - _filled, _latest].
    private readonly SecondCounts[] _counts;
    private readonly bool[] _learned;
    private int _filled;
    private long _latest = long.MinValue;

    private readonly MinuteTally[] _minutes;
    private readonly IpMinuteRing _ipMinutes;
    private readonly HourlySlots _slots = new();

    public BaselineModel(BaselineOptions baseline, DetectionOptions detection)
    {
        _baseline = baseline;
        _detection = detection;
        var historyMinutes = Math.Max(1, baseline.HistoryMinutes);
        _historySeconds = historyMinutes * EventTime.SecondsPerMinute;
        _counts = new SecondCounts[_historySeconds];
        _learned = new bool[_historySeconds];
        // Two extra minutes so every minute touched by a second in the ring still has its tally.
        _minutes = new MinuteTally[historyMinutes + 2];
        for (var i = 0; i < _minutes.Length; i++)
            _minutes[i].Reset(long.MinValue);
        _ipMinutes = new IpMinuteRing(historyMinutes);
        Current = FloorsOnly(0, 0);
    }

    /// <summary>The snapshot of the last <see cref="Recompute"/>; before the first one, floors only (Warm=false).</summary>
    public BaselineSnapshot Current { get; private set; }

    /// <summary>Seconds currently held in the rolling history that count as learned (not anomalous).</summary>
    public int LearnedSeconds { get; private set; }

    /// <summary>Seconds the rolling history holds (HistoryMinutes × 60).</summary>
    public int HistoryCapacity => _historySeconds;

    /// <summary>Records a closed second. Seconds must arrive in increasing order; gaps are seconds with zero requests.
    /// An anomalous second is kept as a gap in the history but never learned from.</summary>
    /// <remarks>A second not after the last recorded one is ignored.</remarks>
    public void RecordSecond(long second, SecondCounts counts, bool anomalous)
    {
        if (_latest != long.MinValue)
        {
            if (second <= _latest)
                return;
            for (var gap = Math.Max(_latest + 1, second - _historySeconds + 1); gap < second; gap++)
                Append(gap, default, learned: true);
        }
        Append(second, counts, learned: !anomalous);
    }

    /// <summary>Removes traffic already learned at <paramref name="second"/> (an IP that was then banned).
    /// Ignored if that second has left the history.</summary>
    /// <remarks>Counts are clamped to what was learned; anomalous seconds taught nothing and are left alone.</remarks>
    public void Forget(long second, SecondCounts counts)
    {
        if (!InHistory(second))
            return;
        var index = SecondIndex(second);
        if (!_learned[index])
            return;

        var before = _counts[index];
        var removed = new SecondCounts(
            Math.Clamp(counts.Requests, 0, before.Requests),
            Math.Clamp(counts.Errors, 0, before.Errors),
            Math.Clamp(counts.AuthFailures, 0, before.AuthFailures),
            Math.Clamp(counts.NotFound, 0, before.NotFound));
        var after = before - removed;
        _counts[index] = after;

        if (_slots.Find(second) is { } slot)
        {
            slot.SecondRequests.Replace(before.Requests, after.Requests);
            slot.Errors -= removed.Errors;
        }

        var minute = EventTime.MinuteOf(second);
        ref var tally = ref TallyOf(minute);
        if (tally.Minute != minute)
            return;
        var rateBefore = tally.Rate;
        tally.Requests -= removed.Requests;
        if (tally.InSlot)
            _slots.Find(minute * EventTime.SecondsPerMinute)?.MinuteRates.Replace(rateBefore, tally.Rate);
    }

    /// <summary>Records, for one closed minute, the request count of each active, not-banned IP in it.</summary>
    /// <remarks>
    /// The minute is the one holding second <c>minuteEndSecond − 1</c>, so both the exclusive end (hh:mm+1:00) and the
    /// last second (hh:mm:59) name the same minute. Calls for the same minute add up (shards may report separately);
    /// a minute older than the IP history is ignored.
    /// </remarks>
    public void RecordIpMinute(long minuteEndSecond, ReadOnlySpan<int> requestsPerIp)
    {
        var minute = EventTime.MinuteOf(minuteEndSecond - 1);
        if (_ipMinutes.ForWrite(minute) is not { } history)
            return;
        var slot = _slots.ForWrite(minute * EventTime.SecondsPerMinute);
        foreach (var requests in requestsPerIp)
        {
            history.Add(requests);
            slot?.IpMinuteRequests.Add(requests);
        }
    }

    /// <summary>Recomputes over the last HistoryMinutes ending at <paramref name="nowSecond"/>, preferring the
    /// current UTC hour's slot once it has SlotMinSeconds learned seconds; applies floors; becomes Current.</summary>
    public BaselineSnapshot Recompute(long nowSecond)
    {
        var rolling = RollingStats(nowSecond);
        var slot = _slots.Combine(nowSecond);

        BaselineSnapshot snapshot;
        if (slot.SecondRequests.N >= Math.Max(1, _baseline.SlotMinSeconds))
        {
            var minuteRates = slot.MinuteRates.N > 0 ? slot.MinuteRates : rolling.MinuteRates;
            var ipRequests = slot.IpMinuteRequests.N > 0 ? slot.IpMinuteRequests : rolling.IpMinuteRequests;
            snapshot = WithFloors(nowSecond, slot.SecondRequests, slot.Errors, minuteRates, ipRequests,
                $"{EventTime.HourOfDay(nowSecond):00}h");
        }
        else if (rolling.SecondRequests.N >= _baseline.MinHistorySeconds && rolling.SecondRequests.N > 0)
        {
            snapshot = WithFloors(nowSecond, rolling.SecondRequests, rolling.Errors, rolling.MinuteRates,
                rolling.IpMinuteRequests, "rolling");
        }
        else
        {
            snapshot = FloorsOnly(nowSecond, (int)rolling.SecondRequests.N);
        }

        Current = snapshot;
        return snapshot;
    }

    private void Append(long second, SecondCounts counts, bool learned)
    {
        var minute = EventTime.MinuteOf(second);
        if (_latest != long.MinValue && EventTime.MinuteOf(_latest) != minute)
            CloseMinute(EventTime.MinuteOf(_latest));

        var index = SecondIndex(second);
        if (_learned[index])
            LearnedSeconds--;
        _counts[index] = counts;
        _learned[index] = learned;
        _filled = Math.Min(_filled + 1, _historySeconds);
        _latest = second;

        ref var tally = ref TallyOf(minute);
        if (tally.Minute != minute)
            tally.Reset(minute);
        if (!learned)
            return;

        LearnedSeconds++;
        tally.LearnedSeconds++;
        tally.Requests += counts.Requests;
        if (_slots.ForWrite(second) is { } slot)
        {
            slot.SecondRequests.Add(counts.Requests);
            slot.Errors += counts.Errors;
        }
    }

    private void CloseMinute(long minute)
    {
        ref var tally = ref TallyOf(minute);
        if (tally.Minute != minute || tally.LearnedSeconds < MinLearnedSecondsPerMinute)
            return;
        if (_slots.ForWrite(minute * EventTime.SecondsPerMinute) is { } slot)
        {
            slot.MinuteRates.Add(tally.Rate);
            tally.InSlot = true;
        }
    }

    private RollingHistory RollingStats(long nowSecond)
    {
        var history = new RollingHistory();
        if (_latest != long.MinValue)
        {
            var first = Math.Max(_latest - _filled + 1, nowSecond - _historySeconds + 1);
            var last = Math.Min(_latest, nowSecond);
            var minute = new MinuteTally();
            minute.Reset(long.MinValue);
            for (var second = first; second <= last; second++)
            {
                var index = SecondIndex(second);
                if (!_learned[index])
                    continue;
                var counts = _counts[index];
                history.SecondRequests.Add(counts.Requests);
                history.Errors += counts.Errors;

                var minuteOfSecond = EventTime.MinuteOf(second);
                if (minuteOfSecond != minute.Minute)
                {
                    history.AddMinute(minute);
                    minute.Reset(minuteOfSecond);
                }
                minute.LearnedSeconds++;
                minute.Requests += counts.Requests;
            }
            history.AddMinute(minute);
        }

        // IP minutes whose last second lies in (now - history, now].
        var firstIpMinute = EventTime.FloorDiv(nowSecond - _historySeconds - 59, EventTime.SecondsPerMinute) + 1;
        var lastIpMinute = EventTime.FloorDiv(nowSecond - 59, EventTime.SecondsPerMinute);
        history.IpMinuteRequests.Merge(_ipMinutes.Combine(firstIpMinute, lastIpMinute));
        return history;
    }

    private BaselineSnapshot WithFloors(long nowSecond, CountStats seconds, long errors, WelfordStats minuteRates,
        CountDistribution ipMinuteRequests, string slot)
    {
        var errorRate = seconds.Sum == 0 ? 0 : (double)errors / seconds.Sum;
        return new BaselineSnapshot(
            ComputedAtSecond: nowSecond,
            Mean: Math.Max(seconds.Mean, _detection.GlobalMeanFloor),
            Std: Math.Max(seconds.Std, _detection.GlobalStdFloor),
            Std60: Math.Max(minuteRates.Std, _detection.GlobalStdFloor),
            ErrorRate: Math.Max(errorRate, _baseline.ErrorRateFloor),
            IpMean: Math.Max(IpCenter(ipMinuteRequests) / EventTime.SecondsPerMinute, _detection.IpMeanFloor),
            IpStd: Math.Max(IpSpread(ipMinuteRequests) / EventTime.SecondsPerMinute, _detection.IpStdFloor),
            Points: (int)seconds.N,
            Slot: slot,
            Warm: true);
    }

    /// <summary>1.4826 × MAD estimates the standard deviation of a normal population.</summary>
    private const double MadToStd = 1.4826;

    private double IpCenter(CountDistribution ipMinutes) =>
        _detection.RobustIpStatistics ? ipMinutes.Median : ipMinutes.Mean;

    private double IpSpread(CountDistribution ipMinutes) =>
        _detection.RobustIpStatistics ? MadToStd * ipMinutes.MedianAbsoluteDeviation : ipMinutes.Std;

    private BaselineSnapshot FloorsOnly(long nowSecond, int points) => new(
        ComputedAtSecond: nowSecond,
        Mean: _detection.GlobalMeanFloor,
        Std: _detection.GlobalStdFloor,
        Std60: _detection.GlobalStdFloor,
        ErrorRate: _baseline.ErrorRateFloor,
        IpMean: _detection.IpMeanFloor,
        IpStd: _detection.IpStdFloor,
        Points: points,
        Slot: "floor",
        Warm: false);

    private bool InHistory(long second) => _latest != long.MinValue && second <= _latest && second > _latest - _filled;
    private int SecondIndex(long second) => EventTime.FloorMod(second, _historySeconds);
    private ref MinuteTally TallyOf(long minute) => ref _minutes[EventTime.FloorMod(minute, _minutes.Length)];

    private sealed class RollingHistory
    {
        public CountStats SecondRequests { get; } = new();
        public long Errors { get; set; }
        public WelfordStats MinuteRates { get; } = new();
        public CountDistribution IpMinuteRequests { get; } = new();

        public void AddMinute(MinuteTally minute)
        {
            if (minute.LearnedSeconds >= MinLearnedSecondsPerMinute)
                MinuteRates.Add(minute.Rate);
        }
    }
}

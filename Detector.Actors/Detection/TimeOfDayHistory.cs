using Detector.Domain;

namespace Detector.Detection;

/// <summary>
/// What the site did at each time of day on earlier days: for every quarter hour (UTC) of the last
/// <c>days</c> days, the mean per minute with traffic of each of the site rule's measures. <see cref="Predict"/> answers
/// "what does this time of day usually bring" for the minute about to open, from earlier days only.
/// </summary>
/// <remarks>
/// <para>Why. A trend predicts a ramp that builds over minutes; it cannot predict a step that happens every
/// weekday at the same time (an office's clients starting at 08:00, a nightly backup at 02:00). Earlier days can.
/// The prediction only ever raises what the site rule expects (it takes the larger of this and the recent
/// minutes), so history makes the rule calmer at a familiar hour, never more eager.</para>
/// <para>Each earlier day contributes the largest of its means over the quarter hour and its two neighbours (a
/// shift of a quarter hour — daylight saving, a late start — is still the same morning); the prediction is the
/// median over the days, from days of the same kind (weekday or weekend, by UTC day) when there are enough of
/// them, else from all. Anomalous minutes are learned too (a surge at the same time every day is the site's
/// normal); a median over three or more days is not moved by one day's attack. A quarter hour with fewer than
/// <see cref="MinMinutesPerSlot"/> minutes with traffic says nothing. Memory is fixed: days × 96 quarter hours ×
/// the measures.</para>
/// </remarks>
public sealed class TimeOfDayHistory
{
    public const int SlotsPerDay = 96;
    public const int MinMinutesPerSlot = 5;
    private const int SecondsPerSlot = EventTime.SecondsPerDay / SlotsPerDay;

    private readonly int _days;
    private readonly int _minDays;
    private readonly int _measures;
    /// <summary>Per (slot of the day, day in the ring): which day it holds, minutes learned, sums per measure.</summary>
    private readonly long[] _dayOf;
    private readonly int[] _minutes;
    private readonly long[] _sums;

    /// <param name="days">Earlier days kept (0: no history, <see cref="Predict"/> always answers false).</param>
    /// <param name="minDays">Earlier days with data needed before a prediction is made.</param>
    /// <param name="measures">Values per minute.</param>
    public TimeOfDayHistory(int days, int minDays, int measures)
    {
        _days = Math.Max(0, days);
        _minDays = Math.Max(1, minDays);
        _measures = measures;
        var cells = SlotsPerDay * Math.Max(1, _days + 1); // today's cells are filled while earlier ones are read
        _dayOf = new long[cells];
        Array.Fill(_dayOf, long.MinValue);
        _minutes = new int[cells];
        _sums = new long[cells * measures];
    }

    /// <summary>Learns one closed minute (its first second, and one value per measure).</summary>
    public void Learn(long minuteSecond, ReadOnlySpan<long> values)
    {
        if (_days == 0) return;
        var day = EventTime.DayOf(minuteSecond);
        var cell = Cell(day, SlotOf(minuteSecond));
        if (_dayOf[cell] > day) return; // a day older than the one the cell holds
        if (_dayOf[cell] != day)
        {
            _dayOf[cell] = day;
            _minutes[cell] = 0;
            _sums.AsSpan(cell * _measures, _measures).Clear();
        }
        _minutes[cell]++;
        for (var m = 0; m < _measures; m++) _sums[cell * _measures + m] += values[m];
    }

    /// <summary>Per measure, what earlier days brought per minute at the time of day of <paramref name="second"/>.</summary>
    /// <returns>false when fewer than the minimum days have data for that time.</returns>
    public bool Predict(long second, Span<double> perMinute)
    {
        perMinute.Clear();
        if (_days == 0) return false;
        var today = EventTime.DayOf(second);
        var slot = SlotOf(second);
        Span<double> byDay = stackalloc double[_days * _measures];
        Span<bool> weekend = stackalloc bool[_days];
        var found = 0;
        for (var back = 1; back <= _days; back++)
        {
            var day = today - back;
            var row = byDay.Slice(found * _measures, _measures);
            row.Clear();
            var any = false;
            for (var k = -1; k <= 1; k++)
            {
                // A neighbour may lie on the day before or after (a quarter hour around midnight).
                var absolute = day * SlotsPerDay + slot + k;
                var cellDay = EventTime.FloorDiv(absolute, SlotsPerDay);
                var cell = Cell(cellDay, EventTime.FloorMod(absolute, SlotsPerDay));
                if (_dayOf[cell] != cellDay || _minutes[cell] < MinMinutesPerSlot || cellDay >= today) continue;
                any = true;
                for (var m = 0; m < _measures; m++)
                    row[m] = Math.Max(row[m], _sums[cell * _measures + m] / (double)_minutes[cell]);
            }
            if (!any) continue;
            weekend[found] = IsWeekend(day);
            found++;
        }
        if (found < _minDays) return false;

        var sameKind = 0;
        for (var i = 0; i < found; i++) if (weekend[i] == IsWeekend(today)) sameKind++;
        var useSameKind = sameKind >= _minDays;
        Span<double> column = stackalloc double[found];
        for (var m = 0; m < _measures; m++)
        {
            var n = 0;
            for (var i = 0; i < found; i++)
                if (!useSameKind || weekend[i] == IsWeekend(today)) column[n++] = byDay[i * _measures + m];
            perMinute[m] = Median(column[..n]);
        }
        return true;
    }

    /// <summary>Saturday or Sunday, by UTC day (day 0, 1970-01-01, was a Thursday).</summary>
    public static bool IsWeekend(long day) => EventTime.FloorMod(day + 4, 7) is 0 or 6;

    private static int SlotOf(long second) => EventTime.FloorMod(second, EventTime.SecondsPerDay) / SecondsPerSlot;

    private int Cell(long day, int slot) => slot * (_days + 1) + EventTime.FloorMod(day, _days + 1);

    private static double Median(Span<double> values)
    {
        values.Sort();
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

using Detector.IpWindows;
using Detector.Domain;

namespace Detector.Baseline;

/// <summary>
/// Hour-of-day slots: one accumulator per (UTC hour, day) for the last <see cref="Days"/> days, so a slot is
/// "this hour over the past week" — it follows slow drift, and Forget can subtract exactly.
/// </summary>
internal sealed class HourlySlots
{
    public const int Days = 7;

    private readonly SlotAccumulator[] _accumulators = new SlotAccumulator[24 * Days];

    public HourlySlots()
    {
        for (var i = 0; i < _accumulators.Length; i++)
            _accumulators[i] = new SlotAccumulator();
    }

    /// <summary>The accumulator for the hour holding <paramref name="second"/>, recycling a week-old one;
    /// null if that day is older than what the slot already holds.</summary>
    public SlotAccumulator? ForWrite(long second)
    {
        var day = EventTime.DayOf(second);
        var accumulator = _accumulators[IndexOf(second, day)];
        if (accumulator.Day > day)
            return null;
        if (accumulator.Day < day)
            accumulator.Reset(day);
        return accumulator;
    }

    /// <summary>The accumulator that learned <paramref name="second"/>, if it still holds that day.</summary>
    public SlotAccumulator? Find(long second)
    {
        var day = EventTime.DayOf(second);
        var accumulator = _accumulators[IndexOf(second, day)];
        return accumulator.Day == day ? accumulator : null;
    }

    /// <summary>The current UTC hour of <paramref name="nowSecond"/> over the last <see cref="Days"/> days, today included.</summary>
    public SlotAccumulator Combine(long nowSecond)
    {
        var today = EventTime.DayOf(nowSecond);
        var hour = EventTime.HourOfDay(nowSecond);
        var combined = new SlotAccumulator();
        for (var d = 0; d < Days; d++)
        {
            var accumulator = _accumulators[hour * Days + d];
            if (accumulator.Day > today - Days && accumulator.Day <= today)
                combined.Merge(accumulator);
        }
        return combined;
    }

    private static int IndexOf(long second, long day) => EventTime.HourOfDay(second) * Days + EventTime.FloorMod(day, Days);
}

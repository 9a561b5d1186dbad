using Detector.Domain;
namespace Detector.Baseline;

/// <summary>Per-IP request counts of the last N minutes, one population accumulator per minute.</summary>
internal sealed class IpMinuteRing
{
    private readonly long[] _minutes;
    private readonly CountDistribution[] _counts;

    public IpMinuteRing(int minutes)
    {
        _minutes = new long[minutes];
        Array.Fill(_minutes, long.MinValue);
        _counts = new CountDistribution[minutes];
        for (var i = 0; i < minutes; i++)
            _counts[i] = new CountDistribution();
    }

    /// <summary>The accumulator of <paramref name="minute"/>, recycling an older minute's; null if the minute is already too old.</summary>
    public CountDistribution? ForWrite(long minute)
    {
        var index = Detector.Domain.EventTime.FloorMod(minute, _minutes.Length);
        if (_minutes[index] > minute)
            return null;
        if (_minutes[index] < minute)
        {
            _minutes[index] = minute;
            _counts[index].Clear();
        }
        return _counts[index];
    }

    /// <summary>All IP-minutes of the minutes in [<paramref name="firstMinute"/>, <paramref name="lastMinute"/>].</summary>
    public CountDistribution Combine(long firstMinute, long lastMinute)
    {
        var combined = new CountDistribution();
        for (var i = 0; i < _minutes.Length; i++)
        {
            if (_minutes[i] >= firstMinute && _minutes[i] <= lastMinute)
                combined.Merge(_counts[i]);
        }
        return combined;
    }
}

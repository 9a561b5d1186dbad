namespace Detector.Baseline;

/// <summary>What was learned in one hour of one UTC day: per-second requests, errors, minute rates, per-IP minute counts.</summary>
internal sealed class SlotAccumulator
{
    public long Day { get; private set; } = long.MinValue;
    public CountStats SecondRequests { get; } = new();
    public long Errors { get; set; }
    public WelfordStats MinuteRates { get; } = new();
    public CountDistribution IpMinuteRequests { get; } = new();

    public void Reset(long day)
    {
        Day = day;
        SecondRequests.Clear();
        Errors = 0;
        MinuteRates.Clear();
        IpMinuteRequests.Clear();
    }

    public void Merge(SlotAccumulator other)
    {
        SecondRequests.Merge(other.SecondRequests);
        Errors += other.Errors;
        MinuteRates.Merge(other.MinuteRates);
        IpMinuteRequests.Merge(other.IpMinuteRequests);
    }
}

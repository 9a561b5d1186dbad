namespace Detector.Simulation;

/// <summary>
/// Daily rhythm of human traffic: a cosine with its peak at 15:00 and its trough at 03:00 local time
/// (the scenario start's UTC offset). The factor averages 1 over a day.
/// </summary>
internal sealed class DiurnalCurve(double amplitude, TimeSpan utcOffset)
{
    private const double PeakHour = 15;
    private readonly long _offsetMs = (long)utcOffset.TotalMilliseconds;

    public double Factor(long timeMs)
    {
        var hour = (((timeMs + _offsetMs) % 86_400_000 + 86_400_000) % 86_400_000) / 3_600_000.0;
        return 1 + amplitude * Math.Cos(2 * Math.PI * (hour - PeakHour) / 24);
    }
}

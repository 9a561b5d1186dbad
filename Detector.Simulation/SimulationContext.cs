namespace Detector.Simulation;

/// <summary>
/// What all benign clients of one scenario share: the site's host name and the rhythm that turns a
/// profile's nominal gaps into the population's requested mean rate.
/// </summary>
/// <param name="GapScale">Multiplies every between-activity gap so the population meets its target rate;
/// gaps inside a burst (a page's assets) are not scaled.</param>
internal sealed record SimulationContext(string Host, double GapScale, DiurnalCurve Diurnal)
{
    public string SiteUrl { get; } = "https://" + Host;

    /// <summary>A human-driven pause: exponential around the mean, stretched at night.</summary>
    public long ExponentialGapMs(Random random, double meanSeconds, long nowMs) =>
        Math.Max(1, (long)(-Math.Log(1 - random.NextDouble()) * meanSeconds * 1000 * GapScale / Diurnal.Factor(nowMs)));

    /// <summary>A client timer (sync poll): the period ±10%, stretched at night when fewer machines are on.</summary>
    public long PeriodMs(Random random, double seconds, long nowMs) =>
        Math.Max(1, (long)(seconds * (0.9 + 0.2 * random.NextDouble()) * 1000 * GapScale / Diurnal.Factor(nowMs)));
}

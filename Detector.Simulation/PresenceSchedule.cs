namespace Detector.Simulation;

/// <summary>
/// When one person is at their device, from the site's <see cref="DiurnalCurve.Presence"/>: each local day the person
/// draws a threshold u in [0, 1) and is present while the curve's level is above u. So as the curve climbs in the
/// morning, more and more people arrive (those with the lowest thresholds first) and each one then behaves as usual;
/// the number present at any moment is the curve × the people, whatever their profiles.
/// </summary>
/// <param name="lunch">Whether this presence pauses at lunch (a browser tab; a desktop client stays on).</param>
/// <param name="eagerness">Scales the threshold: below 1 the person is present more (a phone used in the evening too).</param>
internal sealed class PresenceSchedule(DiurnalCurve curve, int seed, bool lunch = true, double eagerness = 1)
{
    private const long StepMs = 60_000;
    private const long HorizonMs = 8 * 86_400_000L;
    private long _cachedDay = long.MinValue;
    private double _cachedThreshold;

    public bool IsPresent(long timeMs) => curve.Presence(timeMs, lunch) > Threshold(curve.LocalDay(timeMs));

    /// <summary>The first moment at or after <paramref name="timeMs"/> the person is present (minute steps), or <see cref="TrafficSource.Finished"/>.</summary>
    public long NextPresentMs(long timeMs)
    {
        if (IsPresent(timeMs)) return timeMs;
        // Arrivals land at a random second of the first minute the curve is above the threshold.
        var t = timeMs - timeMs % StepMs + StepMs;
        for (var end = timeMs + HorizonMs; t < end; t += StepMs)
            if (IsPresent(t)) return t + (long)(Jitter(t) * StepMs);
        return TrafficSource.Finished;
    }

    private double Threshold(long day)
    {
        if (day != _cachedDay)
        {
            _cachedDay = day;
            _cachedThreshold = Unit(seed, day) * eagerness;
        }
        return _cachedThreshold;
    }

    private double Jitter(long t) => Unit(seed ^ 0x5bd1e995, t / StepMs);

    /// <summary>A uniform number in [0, 1) from (seed, n): SplitMix64, so no state is consumed from the client's Random.</summary>
    private static double Unit(int seed, long n)
    {
        var z = (ulong)(uint)seed * 0x9E37_79B9_7F4A_7C15UL + (ulong)n * 0xD1B5_4A32_D192_ED03UL + 0x6A09_E667_F3BC_C909UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}

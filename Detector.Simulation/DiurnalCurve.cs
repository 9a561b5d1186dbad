namespace Detector.Simulation;

/// <summary>
/// Daily rhythm of human traffic in the site's local time (the log itself is UTC). Two models:
/// <list type="bullet">
/// <item><see cref="Cosine"/> (the original one): every client is always on and only its pace follows a cosine
/// peaking at 15:00 local (<see cref="Factor"/>).</item>
/// <item><see cref="Workday"/>: the pace of a present client never changes (<see cref="Factor"/> is 1); what
/// follows the clock is <em>who is present</em> (<see cref="Presence"/>, the share of the site's people at their
/// devices): quiet nights, a steep weekday morning ramp as people start work, a lunch dip, an evening decline, and a
/// lower, later weekend day.</item>
/// </list>
/// </summary>
internal sealed class DiurnalCurve
{
    private const double PeakHour = 15;
    private const long DayMs = 86_400_000;
    private readonly double _amplitude;
    private readonly long _offsetMs;
    private readonly DayShape? _shape;
    private readonly (double Hour, double Level)[] _weekday = [];
    private readonly (double Hour, double Level)[] _weekdayNoLunch = [];
    private readonly (double Hour, double Level)[] _weekend = [];

    private DiurnalCurve(double amplitude, TimeSpan utcOffset, DayShape? shape)
    {
        _amplitude = amplitude;
        _offsetMs = (long)utcOffset.TotalMilliseconds;
        _shape = shape;
        if (shape is null) return;
        _weekday = shape.WeekdayKnots(lunch: true);
        _weekdayNoLunch = shape.WeekdayKnots(lunch: false);
        _weekend = shape.WeekendKnots();
    }

    /// <summary>The original model: always-on clients whose pace swings by ±<paramref name="amplitude"/> around 15:00.</summary>
    public DiurnalCurve(double amplitude, TimeSpan utcOffset) : this(amplitude, utcOffset, null)
    {
    }

    public static DiurnalCurve Cosine(double amplitude, TimeSpan utcOffset) => new(amplitude, utcOffset, null);

    public static DiurnalCurve Workday(DayShape shape, TimeSpan utcOffset) => new(0, utcOffset, shape);

    /// <summary>True for the presence model (<see cref="Workday"/>).</summary>
    public bool HasPresence => _shape is not null;

    public TimeSpan UtcOffset => TimeSpan.FromMilliseconds(_offsetMs);

    /// <summary>Pace multiplier of a present client (1 = its nominal rate).</summary>
    public double Factor(long timeMs)
    {
        if (_shape is not null) return 1;
        var hour = LocalMs(timeMs) % DayMs / 3_600_000.0;
        return 1 + _amplitude * Math.Cos(2 * Math.PI * (hour - PeakHour) / 24);
    }

    /// <summary>
    /// Share of the site's people present at <paramref name="timeMs"/> (0..1; always 1 in the cosine model).
    /// <paramref name="lunch"/>: whether this kind of presence pauses at lunch (a browser tab, not a desktop client).
    /// </summary>
    public double Presence(long timeMs, bool lunch = true)
    {
        if (_shape is null) return 1;
        var local = LocalMs(timeMs);
        var hour = local % DayMs / 3_600_000.0;
        var knots = IsWeekend(local / DayMs) ? _weekend : lunch ? _weekday : _weekdayNoLunch;
        return Interpolate(knots, hour);
    }

    /// <summary>Local day number (days since 1970-01-01 in the site's time zone).</summary>
    public long LocalDay(long timeMs) => LocalMs(timeMs) / DayMs;

    /// <summary>Whether the local day of <paramref name="timeMs"/> is a Saturday or Sunday.</summary>
    public bool IsWeekendAt(long timeMs) => IsWeekend(LocalMs(timeMs) / DayMs);

    /// <summary>Milliseconds since 1970-01-01 00:00 local time (scenarios are after 1970, so never negative).</summary>
    private long LocalMs(long timeMs) => Math.Max(0, timeMs + _offsetMs);

    // 1970-01-01 was a Thursday: day 2 is Saturday, day 3 Sunday.
    private static bool IsWeekend(long day) => day % 7 is 2 or 3;

    private static double Interpolate((double Hour, double Level)[] knots, double hour)
    {
        for (var i = 1; i < knots.Length; i++)
        {
            if (hour > knots[i].Hour) continue;
            var (h0, l0) = knots[i - 1];
            var (h1, l1) = knots[i];
            return h1 <= h0 ? l1 : l0 + (l1 - l0) * (hour - h0) / (h1 - h0);
        }
        return knots[^1].Level;
    }
}

/// <summary>
/// The shape of a site's day in local hours: the levels are shares of the site's people present.
/// </summary>
/// <param name="NightLevel">Present at night (people working late, insomniacs): 0.02–0.08.</param>
/// <param name="MorningStart">Local hour the weekday morning ramp begins.</param>
/// <param name="MorningRamp">Hours from the ramp's start to the peak (short = steep).</param>
/// <param name="PeakLevel">Share present at the weekday peak.</param>
/// <param name="LunchStart">Local hour lunch begins; <paramref name="LunchHours"/> long, down to <paramref name="LunchLevel"/> × peak.</param>
/// <param name="EveningStart">Local hour people start leaving; <paramref name="EveningHours"/> later the level is <paramref name="EveningLevel"/>.</param>
/// <param name="NightStart">Local hour the evening level falls to the night level (within an hour).</param>
/// <param name="WeekendPeak">Share present on a weekend afternoon.</param>
public sealed record DayShape(
    double NightLevel = 0.04,
    double MorningStart = 7.0,
    double MorningRamp = 1.5,
    double PeakLevel = 0.9,
    double LunchStart = 12.0,
    double LunchHours = 1.0,
    double LunchLevel = 0.75,
    double EveningStart = 16.5,
    double EveningHours = 2.5,
    double EveningLevel = 0.3,
    double NightStart = 22.5,
    double WeekendPeak = 0.3)
{
    public (double Hour, double Level)[] WeekdayKnots(bool lunch)
    {
        var morningEnd = MorningStart + MorningRamp;
        var lunchStart = Math.Max(LunchStart, morningEnd + 0.25);
        var eveningStart = Math.Max(EveningStart, lunchStart + LunchHours + 0.5);
        var eveningEnd = eveningStart + EveningHours;
        var nightStart = Math.Clamp(NightStart, eveningEnd + 0.1, 22.9);
        var lunchLevel = lunch ? LunchLevel * PeakLevel : PeakLevel;
        return
        [
            (0, NightLevel), (MorningStart, NightLevel),
            // A smoothstep-like ramp: slow at first, steepest in the middle, like arrivals around a mean.
            (MorningStart + 0.25 * MorningRamp, NightLevel + 0.12 * (PeakLevel - NightLevel)),
            (MorningStart + 0.5 * MorningRamp, NightLevel + 0.5 * (PeakLevel - NightLevel)),
            (MorningStart + 0.75 * MorningRamp, NightLevel + 0.88 * (PeakLevel - NightLevel)),
            (morningEnd, PeakLevel),
            (lunchStart, PeakLevel), (lunchStart + 0.25, lunchLevel),
            (lunchStart + LunchHours - 0.25, lunchLevel), (lunchStart + LunchHours, PeakLevel),
            (eveningStart, PeakLevel), (eveningEnd, EveningLevel),
            (nightStart, EveningLevel), (Math.Min(nightStart + 1, 24), NightLevel), (24, NightLevel),
        ];
    }

    public (double Hour, double Level)[] WeekendKnots() =>
    [
        (0, NightLevel), (8.5, NightLevel), (11.5, WeekendPeak), (18.5, WeekendPeak),
        (21, Math.Max(NightLevel, EveningLevel * 0.6)), (23.5, NightLevel), (24, NightLevel),
    ];
}

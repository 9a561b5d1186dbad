using System.Globalization;
using Detector.Configuration;
using Detector.Domain;

namespace Detector.Detection;

/// <summary>What the whole site did in one closed second, banned addresses' traffic already left out.</summary>
/// <param name="NewClients">Addresses whose first request (after minutes of silence) fell in this second.</param>
/// <param name="ActiveClients">Distinct addresses with requests in the last window, this second included.</param>
public readonly record struct SiteTraffic(SecondCounts Counts, int NewClients, int ActiveClients);

/// <summary>The window's count of one measure (<c>c =&gt; c.Requests</c>, <c>c =&gt; c.AuthFailures</c>, …) carried by its
/// <see cref="DetectionOptions.GlobalVolumeBusiestSources"/> busiest unbanned addresses by that measure.</summary>
public delegate int BusiestSources(Func<SecondCounts, int> measure);

/// <summary>A second in which the site looks anomalous, and why: the rule's condition and the figures it compared
/// (per second: the measure over the last window, what was expected and the spread allowed).</summary>
public sealed record SiteAnomaly(string Condition, double Rate, double Mean, double Std);

/// <summary>
/// The site-wide rule, by cause. Each closed second, five measures over the last window (requests, new clients,
/// auth failures 401/403/429, not-found 404, server errors 5xx) are compared with what the site's own recent
/// minutes predict. A measure is anomalous when it exceeds both <c>factor × expected</c> and
/// <c>expected + Z × spread</c>; the first such cause, most specific first, names the condition
/// ("global_auth_failures>4.0x_expected").
/// </summary>
/// <remarks>
/// <para>Why this shape. A weekday morning doubles traffic in twenty minutes with every client behaving as usual,
/// and the spread of 60 s rates is small: a z-score against the last half hour's mean reads that ramp as an
/// anomaly. So the expected volume is the larger of the recent minutes' median and the trend of the last
/// <see cref="DetectionOptions.GlobalTrendMinutes"/> minutes projected to now (a ramp predicts itself, a surge
/// breaks from it), and the surge must be a multiple of it. A rise of new clients counts only when they are a
/// large share of the active ones (a morning brings clients back, a flash crowd or a botnet brings strangers).
/// Where there is history, what the same time of day brought on earlier days (<see cref="TimeOfDayHistory"/>)
/// raises every expectation to at least that: a step the site takes every weekday at 08:00 is familiar.
/// Errors are judged on their own counts, so a low-and-slow campaign of failed logins, each address below any
/// per-address bar, still names itself.</para>
/// <para>Expected values are medians of learned minutes (robust to a few odd ones); the spread is 1.4826 × MAD,
/// never below the Poisson noise √expected; floors keep a tiny site's noise quiet. Minutes with an anomalous
/// second are not learned, nor are minutes without a request (a silent log, a server that was down); the
/// work for a gap is bounded by the window and the history, never by its length.</para>
/// </remarks>
public sealed class SiteAnomalyRule
{
    private enum Measure { Requests, NewClients, AuthFailures, NotFound, ServerErrors }

    private const int Measures = 5;
    private static readonly Measure[] CauseOrder =
        [Measure.AuthFailures, Measure.NotFound, Measure.ServerErrors, Measure.NewClients, Measure.Requests];

    private readonly DetectionOptions _options;
    private readonly int _window;
    private readonly long[] _ring;
    private readonly long[] _ringSecond;
    private readonly long[] _sums = new long[Measures];
    private long _latest = long.MinValue;

    private readonly int _historyMinutes;
    private readonly int _minLearnedMinutes;
    private readonly List<MinuteValues> _history = [];
    private long _openMinute = long.MinValue;
    private readonly long[] _open = new long[Measures];
    private bool _openAnomalous;

    private readonly TimeOfDayHistory _timeOfDay;
    private readonly double[] _expected = new double[Measures];
    private readonly double[] _spread = new double[Measures];
    private readonly string[] _conditions = new string[Measures];
    private bool _warm;

    public SiteAnomalyRule(DetectionOptions options, BaselineOptions baseline)
    {
        _options = options;
        _window = Math.Max(1, options.WindowSeconds);
        _ring = new long[_window * Measures];
        _ringSecond = new long[_window];
        Array.Fill(_ringSecond, long.MinValue);
        _historyMinutes = Math.Max(1, baseline.HistoryMinutes);
        _minLearnedMinutes = Math.Max(1, baseline.MinHistorySeconds / EventTime.SecondsPerMinute);
        _timeOfDay = new TimeOfDayHistory(options.GlobalTimeOfDayDays, options.GlobalTimeOfDayMinDays, Measures);
        for (var m = 0; m < Measures; m++)
            _conditions[m] = string.Create(CultureInfo.InvariantCulture, $"global_{Name((Measure)m)}>{Factor((Measure)m):F1}x_expected");
    }

    /// <summary>Enough learned minutes to judge.</summary>
    public bool Warm => _warm;

    /// <summary>The request rate (req/s) the site is expected to hold now, and the rate above which volume alone
    /// is anomalous: the band the dashboard draws.</summary>
    public (double Expected, double Upper) VolumeBand()
    {
        var (expected, spread) = Expectation(Measure.Requests);
        var upper = Math.Max(Factor(Measure.Requests) * expected, expected + _options.ZScoreThreshold * spread);
        return (expected / _window, upper / _window);
    }

    /// <summary>Records a closed second (seconds in increasing order; an earlier one is ignored) and judges the
    /// window that ends with it.</summary>
    /// <param name="busiestSources">Asked only when volume, auth failures or not-found alone would be anomalous:
    /// what the window's few busiest (unbanned) addresses carry of that measure is left out of its test. A surge one
    /// or two addresses carry is theirs to answer for under the per-address rules (a flooder, a client uploading a
    /// folder on a quiet site, a sync client retrying a revoked password), not the site's; a campaign spread over
    /// many addresses is still the site's.</param>
    public SiteAnomaly? Observe(long second, in SiteTraffic site, BusiestSources? busiestSources = null)
    {
        if (_latest != long.MinValue && second <= _latest) return null;
        AdvanceMinute(EventTime.MinuteOf(second));
        AdvanceWindow(second);

        Span<long> values = [site.Counts.Requests, site.NewClients, site.Counts.AuthFailures, site.Counts.NotFound, site.Counts.ServerErrors];
        var slot = (int)EventTime.FloorMod(second, _window);
        _ringSecond[slot] = second;
        for (var m = 0; m < Measures; m++)
        {
            _ring[slot * Measures + m] = values[m];
            _sums[m] += values[m];
            _open[m] += values[m];
        }

        var anomaly = _warm ? Judge(site.ActiveClients, busiestSources) : null;
        if (anomaly is not null) _openAnomalous = true;
        return anomaly;
    }

    /// <summary>Takes traffic out that was counted at <paramref name="second"/> (an address banned since): out of the
    /// window, and out of its minute if that minute is still open.</summary>
    public void Forget(long second, SecondCounts counts)
    {
        if (second > _latest || second <= _latest - _window) return;
        var slot = (int)EventTime.FloorMod(second, _window);
        if (_ringSecond[slot] != second) return;
        Span<long> values = [counts.Requests, 0, counts.AuthFailures, counts.NotFound, counts.ServerErrors];
        for (var m = 0; m < Measures; m++)
        {
            var taken = Math.Min(values[m], _ring[slot * Measures + m]);
            _ring[slot * Measures + m] -= taken;
            _sums[m] -= taken;
            if (EventTime.MinuteOf(second) == _openMinute) _open[m] = Math.Max(0, _open[m] - taken);
        }
    }

    private SiteAnomaly? Judge(int activeClients, BusiestSources? busiestSources)
    {
        foreach (var measure in CauseOrder)
        {
            var m = (int)measure;
            var current = (double)_sums[m];
            var (expected, spread) = Expectation(measure);
            if (!Exceeds(current, measure, expected, spread)) continue;
            if (measure == Measure.NewClients && current < _options.GlobalNewClientsMinShare * activeClients) continue;
            if (busiestSources is not null && PerAddress(measure) is { } perAddress
                && !Exceeds(current - busiestSources(perAddress), measure, expected, spread)) continue;
            return new SiteAnomaly(_conditions[m], current / _window, expected / _window, spread / _window);
        }
        return null;
    }

    /// <summary>What a measure is expected to be over the window, floor applied, and the spread it is allowed
    /// (never below the Poisson noise √expected).</summary>
    private (double Expected, double Spread) Expectation(Measure measure)
    {
        var m = (int)measure;
        var expected = Math.Max(_expected[m], Floor(measure) * (_window / 60.0));
        return (expected, Math.Max(_spread[m], Math.Sqrt(expected)));
    }

    private bool Exceeds(double value, Measure measure, double expected, double spread) =>
        value > Factor(measure) * expected && value > expected + _options.ZScoreThreshold * spread;

    private void AdvanceWindow(long second)
    {
        if (_latest != long.MinValue)
        {
            // Only the slots the window leaves: at most the window, whatever the gap.
            var from = Math.Max(_latest + 1, second - _window + 1);
            for (var s = from; s <= second; s++)
            {
                var slot = (int)EventTime.FloorMod(s, _window);
                if (_ringSecond[slot] == long.MinValue) continue;
                for (var m = 0; m < Measures; m++)
                {
                    _sums[m] -= _ring[slot * Measures + m];
                    _ring[slot * Measures + m] = 0;
                }
                _ringSecond[slot] = long.MinValue;
            }
            if (second - _latest >= _window) Array.Clear(_sums);
        }
        _latest = second;
    }

    private void AdvanceMinute(long minute)
    {
        if (_openMinute == long.MinValue)
        {
            _openMinute = minute;
            return;
        }
        if (minute <= _openMinute) return;

        var silent = _open[(int)Measure.Requests] == 0;
        Push(_openAnomalous ? MinuteValues.AnomalousHole
            : silent ? MinuteValues.SilentHole
            : new MinuteValues((long[])_open.Clone()));
        // The time of day learns anomalous minutes too: what happens at this hour every day is the site's normal,
        // and a median over several days is not moved by one odd day.
        if (!silent) _timeOfDay.Learn(_openMinute * EventTime.SecondsPerMinute, _open);
        // Minutes without a request (the log was silent, the server down, or its quiet seconds were skipped in one
        // step) teach nothing: holes, at most a history's worth. After a long outage the rule is cold again instead
        // of expecting zero.
        var silentMinutes = Math.Min(minute - _openMinute - 1, _historyMinutes);
        for (var i = 0; i < silentMinutes; i++) Push(MinuteValues.SilentHole);
        Array.Clear(_open);
        _openAnomalous = false;
        _openMinute = minute;
        Recompute();
    }

    /// <summary>Appends a closed minute to the history (null: a hole that keeps its place but is not learned).</summary>
    private void Push(MinuteValues minute)
    {
        if (_history.Count == _historyMinutes) _history.RemoveAt(0);
        _history.Add(minute);
    }

    private void Recompute()
    {
        var learned = new List<long[]>(_history.Count);
        var anomalous = false;
        foreach (var minute in _history)
        {
            if (minute.Values is { } v) learned.Add(v);
            anomalous |= minute.Anomalous;
        }
        if (learned.Count < _minLearnedMinutes)
        {
            // An anomaly longer than the history leaves nothing to learn from: what was expected before it still
            // holds (the surge must not become the norm). Silence or a cold start: nothing to expect yet.
            _warm &= anomalous;
            return;
        }
        _warm = true;

        var scale = _window / 60.0;
        var column = new double[learned.Count];
        for (var m = 0; m < Measures; m++)
        {
            for (var i = 0; i < learned.Count; i++) column[i] = learned[i][m];
            var (median, mad) = MedianAndMad(column);
            _expected[m] = median * scale;
            _spread[m] = 1.4826 * mad * scale;
        }
        _expected[0] = Math.Max(_expected[0], Trend() * scale);

        // What this time of day brought on earlier days: a step the site takes every morning is no surge.
        Span<double> usual = stackalloc double[Measures];
        if (!_timeOfDay.Predict(_openMinute * EventTime.SecondsPerMinute, usual)) return;
        for (var m = 0; m < Measures; m++) _expected[m] = Math.Max(_expected[m], usual[m] * scale);
    }

    /// <summary>The last trend minutes' request counts, fitted with a line and projected to the open minute;
    /// 0 without enough learned minutes among them.</summary>
    private double Trend()
    {
        var points = Math.Min(_options.GlobalTrendMinutes, _history.Count);
        if (points < 3) return 0;
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = _history.Count - points; i < _history.Count; i++)
        {
            if (_history[i].Values is not { } v) continue;
            double x = i - _history.Count, y = v[0];
            n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        if (n < 3) return 0;
        var denominator = n * sxx - sx * sx;
        if (denominator <= 0) return sy / n;
        var slope = (n * sxy - sx * sy) / denominator;
        var intercept = (sy - slope * sx) / n;
        return Math.Max(0, intercept); // x = 0 is the open minute
    }

    private static (double Median, double Mad) MedianAndMad(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var median = MedianOfSorted(sorted);
        for (var i = 0; i < sorted.Length; i++) sorted[i] = Math.Abs(sorted[i] - median);
        Array.Sort(sorted);
        return (median, MedianOfSorted(sorted));
    }

    private static double MedianOfSorted(double[] sorted)
    {
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>How an address's window counts toward a measure that clients drive; null for new clients (one each)
    /// and server errors (the server's own failing, whoever triggers it).</summary>
    private static Func<SecondCounts, int>? PerAddress(Measure measure) => measure switch
    {
        Measure.Requests => Requests,
        Measure.AuthFailures => AuthFailures,
        Measure.NotFound => NotFound,
        _ => null,
    };

    private static readonly Func<SecondCounts, int> Requests = c => c.Requests;
    private static readonly Func<SecondCounts, int> AuthFailures = c => c.AuthFailures;
    private static readonly Func<SecondCounts, int> NotFound = c => c.NotFound;

    private double Factor(Measure measure) =>
        measure == Measure.Requests ? _options.GlobalSurgeFactor : _options.GlobalCauseFactor;

    /// <summary>The least a measure is expected to be, per minute.</summary>
    private double Floor(Measure measure) => measure switch
    {
        Measure.Requests => _options.GlobalMeanFloor * 60,
        Measure.NewClients => _options.GlobalNewClientsFloor,
        Measure.AuthFailures => _options.GlobalAuthFailuresFloor,
        Measure.NotFound => _options.GlobalNotFoundFloor,
        _ => _options.GlobalServerErrorsFloor,
    };

    private static string Name(Measure measure) => measure switch
    {
        Measure.Requests => "volume",
        Measure.NewClients => "new_clients",
        Measure.AuthFailures => "auth_failures",
        Measure.NotFound => "not_found",
        _ => "server_errors",
    };

    /// <summary>A closed minute's measures; null Values: a hole (anomalous or silent) that is not learned.</summary>
    private readonly record struct MinuteValues(long[]? Values, bool Anomalous = false)
    {
        public static readonly MinuteValues AnomalousHole = new(null, true);
        public static readonly MinuteValues SilentHole = new(null);
    }
}

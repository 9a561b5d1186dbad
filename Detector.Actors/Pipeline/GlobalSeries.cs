namespace Detector.Pipeline;

/// <summary>One closed second of the site: its 60 s rate and the band the global rule allows around the baseline.
/// Upper is the alert threshold (the lower of mean + z·std60 and multiplier × mean); Lower is mean − z·std60, at least 0.</summary>
public readonly record struct GlobalSeriesPoint(long Second, double Rate, double Mean, double Lower, double Upper);

/// <summary>The last <see cref="Capacity"/> closed seconds of the global rate, for the dashboard's chart.
/// Written by the coordinator, read by the API: a fixed ring under a lock (one write per second of event time).</summary>
public sealed class GlobalSeries(int capacity)
{
    private readonly GlobalSeriesPoint[] _ring = new GlobalSeriesPoint[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public int Capacity => _ring.Length;

    internal void Add(GlobalSeriesPoint point)
    {
        lock (_lock)
        {
            _ring[_next] = point;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
        }
    }

    /// <summary>Points oldest first, only those newer than <paramref name="afterSecond"/> when given.</summary>
    public IReadOnlyList<GlobalSeriesPoint> Snapshot(long? afterSecond = null)
    {
        lock (_lock)
        {
            var points = new List<GlobalSeriesPoint>(_count);
            var start = (_next - _count + _ring.Length) % _ring.Length;
            for (var i = 0; i < _count; i++)
            {
                var point = _ring[(start + i) % _ring.Length];
                if (afterSecond is null || point.Second > afterSecond) points.Add(point);
            }
            return points;
        }
    }
}

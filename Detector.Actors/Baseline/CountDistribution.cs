namespace Detector.Baseline;

/// <summary>
/// Integer samples (requests of one IP in one minute) with their exact moments (<see cref="CountStats"/>) and their
/// histogram, for robust statistics: the median and the median absolute deviation, which a few heavy hitters or
/// attackers in the population cannot drag the way they drag the mean and the standard deviation.
/// </summary>
internal sealed class CountDistribution
{
    private readonly CountStats _moments = new();
    private readonly Dictionary<long, long> _histogram = new();

    public long N => _moments.N;
    public double Mean => _moments.Mean;
    public double Std => _moments.Std;

    public void Add(long sample)
    {
        _moments.Add(sample);
        _histogram[sample] = _histogram.GetValueOrDefault(sample) + 1;
    }

    public void Merge(CountDistribution other)
    {
        _moments.Merge(other._moments);
        foreach (var (value, count) in other._histogram)
            _histogram[value] = _histogram.GetValueOrDefault(value) + count;
    }

    public void Clear()
    {
        _moments.Clear();
        _histogram.Clear();
    }

    /// <summary>The lower median (the sample at rank ⌊(N−1)/2⌋ in sorted order); 0 when empty.</summary>
    public long Median => LowerMedian(_histogram, N);

    /// <summary>Median absolute deviation from <see cref="Median"/> (lower median of |x − median|); 0 when empty.</summary>
    public long MedianAbsoluteDeviation
    {
        get
        {
            var median = Median;
            var deviations = new Dictionary<long, long>(_histogram.Count);
            foreach (var (value, count) in _histogram)
            {
                var deviation = Math.Abs(value - median);
                deviations[deviation] = deviations.GetValueOrDefault(deviation) + count;
            }
            return LowerMedian(deviations, N);
        }
    }

    private static long LowerMedian(Dictionary<long, long> histogram, long n)
    {
        if (n == 0) return 0;
        var rank = (n - 1) / 2;
        foreach (var value in histogram.Keys.Order())
        {
            rank -= histogram[value];
            if (rank < 0) return value;
        }
        return 0;
    }
}

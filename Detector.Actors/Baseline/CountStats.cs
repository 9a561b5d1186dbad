namespace Detector.Baseline;

/// <summary>
/// Population statistics of integer samples kept as exact sums (long, Int128), so samples can be replaced
/// (Forget) and accumulators merged without drift; the only rounding happens in the final division.
/// </summary>
internal sealed class CountStats
{
    public long N { get; private set; }
    public long Sum { get; private set; }
    private Int128 _sumOfSquares;

    public void Add(long sample)
    {
        N++;
        Sum += sample;
        _sumOfSquares += (Int128)sample * sample;
    }

    public void Replace(long oldSample, long newSample)
    {
        Sum += newSample - oldSample;
        _sumOfSquares += (Int128)newSample * newSample - (Int128)oldSample * oldSample;
    }

    public void Merge(CountStats other)
    {
        N += other.N;
        Sum += other.Sum;
        _sumOfSquares += other._sumOfSquares;
    }

    public void Clear()
    {
        N = 0;
        Sum = 0;
        _sumOfSquares = 0;
    }

    public double Mean => N == 0 ? 0 : (double)Sum / N;

    /// <summary>Population variance: (N·Σx² − (Σx)²) / N², numerator computed exactly.</summary>
    public double Variance
    {
        get
        {
            if (N == 0)
                return 0;
            var numerator = N * _sumOfSquares - (Int128)Sum * Sum;
            return numerator <= 0 ? 0 : (double)numerator / ((double)N * N);
        }
    }

    public double Std => Math.Sqrt(Variance);
}

namespace Detector.Baseline;

/// <summary>Population mean and variance of real samples by Welford's update, with removal and Chan's merge.</summary>
internal sealed class WelfordStats
{
    public long N { get; private set; }
    public double Mean { get; private set; }
    private double _m2;

    public void Add(double sample)
    {
        N++;
        var delta = sample - Mean;
        Mean += delta / N;
        _m2 += delta * (sample - Mean);
    }

    /// <summary>Removes a sample that was added before.</summary>
    public void Remove(double sample)
    {
        if (N <= 1)
        {
            Clear();
            return;
        }
        var delta = sample - Mean;
        Mean -= delta / (N - 1);
        _m2 = Math.Max(0, _m2 - delta * (sample - Mean));
        N--;
    }

    public void Replace(double oldSample, double newSample)
    {
        Remove(oldSample);
        Add(newSample);
    }

    public void Merge(WelfordStats other)
    {
        if (other.N == 0)
            return;
        if (N == 0)
        {
            N = other.N;
            Mean = other.Mean;
            _m2 = other._m2;
            return;
        }
        var total = N + other.N;
        var delta = other.Mean - Mean;
        Mean += delta * other.N / total;
        _m2 += other._m2 + delta * delta * ((double)N * other.N / total);
        N = total;
    }

    public void Clear()
    {
        N = 0;
        Mean = 0;
        _m2 = 0;
    }

    public double Variance => N == 0 ? 0 : Math.Max(0, _m2 / N);
    public double Std => Math.Sqrt(Variance);
}

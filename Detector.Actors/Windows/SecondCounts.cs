namespace Detector.Windows;

/// <summary>What one IP (or the whole site) did in one second of event time.</summary>
public readonly record struct SecondCounts(int Requests, int Errors, int AuthFailures, int NotFound)
{
    public static SecondCounts Of(int status) => new(1, status >= 400 ? 1 : 0, status is 401 or 403 ? 1 : 0, status == 404 ? 1 : 0);

    public static SecondCounts operator +(SecondCounts a, SecondCounts b) =>
        new(a.Requests + b.Requests, a.Errors + b.Errors, a.AuthFailures + b.AuthFailures, a.NotFound + b.NotFound);

    public static SecondCounts operator -(SecondCounts a, SecondCounts b) =>
        new(a.Requests - b.Requests, a.Errors - b.Errors, a.AuthFailures - b.AuthFailures, a.NotFound - b.NotFound);
}

using Detector.Ingest;

namespace Detector.Domain;

/// <summary>What one IP (or the whole site) did in one second of event time.</summary>
/// <param name="AppSuccesses">Successful (2xx/3xx) WebDAV/OCS requests: the traffic of real sync, mobile and DAV clients.</param>
/// <param name="AuthFailures">401, 403 and 429 (Nextcloud's brute-force throttle answers 429).</param>
public readonly record struct SecondCounts(int Requests, int Errors, int AuthFailures, int NotFound, int AppSuccesses = 0, int ServerErrors = 0)
{
    public static SecondCounts Of(int status) =>
        new(1, status >= 400 ? 1 : 0, status is 401 or 403 or 429 ? 1 : 0, status == 404 ? 1 : 0, 0, status >= 500 ? 1 : 0);

    public static SecondCounts Of(in AccessLogEntry entry) =>
        Of(entry.Status) with { AppSuccesses = entry.Status < 400 && ClientMix.IsAppRequest(entry.Method, entry.Path) ? 1 : 0 };

    public int Successes => Requests - Errors;

    public static SecondCounts operator +(SecondCounts a, SecondCounts b) =>
        new(a.Requests + b.Requests, a.Errors + b.Errors, a.AuthFailures + b.AuthFailures, a.NotFound + b.NotFound, a.AppSuccesses + b.AppSuccesses, a.ServerErrors + b.ServerErrors);

    public static SecondCounts operator -(SecondCounts a, SecondCounts b) =>
        new(a.Requests - b.Requests, a.Errors - b.Errors, a.AuthFailures - b.AuthFailures, a.NotFound - b.NotFound, a.AppSuccesses - b.AppSuccesses, a.ServerErrors - b.ServerErrors);
}

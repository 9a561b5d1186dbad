using System.Net;

namespace Detector.Domain;

/// <summary>How long a 429 (or 503) asks us to wait, capped so one answer cannot stall delivery for hours.</summary>
public static class RetryAfter
{
    /// <returns>null when the response names no wait (the retry backoff applies).</returns>
    public static TimeSpan? Delay(HttpResponseMessage? response, DateTimeOffset now, TimeSpan max)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            return null;
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (wait is not { } w) return null;
        if (w < TimeSpan.Zero) w = TimeSpan.Zero;
        return w > max ? max : w;
    }
}

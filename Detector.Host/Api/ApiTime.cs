using System.Globalization;

namespace Detector.Host.Api;

/// <summary>Times on the wire: ISO 8601 UTC with 'Z', whole seconds (event time has second resolution here).</summary>
public static class ApiTime
{
    private static readonly long Earliest = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long Latest = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Times outside what a timestamp can show (a corrupt or hand-edited ledger) are shown at the nearest end
    /// of the range instead of failing the whole answer.</summary>
    public static string Iso(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, Earliest, Latest)).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    public static string? Iso(long? unixSeconds) => unixSeconds is { } s ? Iso(s) : null;

    public static bool TryParse(string? text, out long unixSeconds)
    {
        unixSeconds = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return false;
        unixSeconds = time.ToUnixTimeSeconds();
        return true;
    }
}

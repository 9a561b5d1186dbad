using System.Globalization;
using Detector.Enforcement;

namespace Detector.Host.Verbs;

/// <summary>Durations as the verbs print and read them.</summary>
public static class Durations
{
    /// <summary>"45s", "9m 12s", "1h 05m", "2d 03h".</summary>
    public static string Words(long seconds)
    {
        if (seconds < 0) seconds = 0;
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours:00}h"
            : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s"
            : string.Create(CultureInfo.InvariantCulture, $"{t.Seconds}s");
    }

    /// <summary>"90s", "10m", "2h", "1d" or "hh:mm:ss", as the ban ladder reads them; false for anything else,
    /// including "permanent" (the API takes a duration or lets the ladder decide).</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        try
        {
            if (BanLadder.Parse([text]).Steps[0] is not { } step) return false;
            duration = step;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

using System.Globalization;

namespace Detector.Configuration;

/// <summary>The steps of <see cref="EnforcementOptions.Ladder"/> as text: durations by offence, "permanent" last.</summary>
public static class LadderText
{
    public const string Permanent = "permanent";

    /// <summary>The longest finite step (and manual ban): 3,650 days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3650);

    public const string MaxDurationText = "3650d (10 years)";

    /// <summary>Parses "10m", "30m", "2h", "1d", "90s", "permanent" or TimeSpan text ("00:10:00"). Throws
    /// FormatException with a clear message on bad input or an empty ladder; "permanent" may only be last.</summary>
    public static TimeSpan?[] Parse(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
            throw new FormatException("Ban ladder is empty: give at least one step, e.g. [\"10m\", \"30m\", \"2h\", \"permanent\"].");

        var parsed = new TimeSpan?[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            parsed[i] = ParseStep(steps[i], i + 1);
            if (parsed[i] is null && i != steps.Count - 1)
                throw new FormatException(
                    $"Ban ladder step {i + 1} is 'permanent' but is not the last step; nothing can follow a permanent ban.");
        }
        return parsed;
    }

    private static TimeSpan? ParseStep(string? raw, int position)
    {
        var text = raw?.Trim() ?? "";
        if (text.Equals(Permanent, StringComparison.OrdinalIgnoreCase)) return null;

        var duration = TryParseDuration(text)
            ?? throw new FormatException(
                $"Ban ladder step {position} ('{raw}') is not a duration; use e.g. 90s, 10m, 2h, 1d, 00:10:00 or permanent.");
        if (duration <= TimeSpan.Zero)
            throw new FormatException($"Ban ladder step {position} ('{raw}') must be longer than zero.");
        if (duration > MaxDuration)
            throw new FormatException($"Ban ladder step {position} ('{raw}') is longer than {MaxDurationText}; use permanent.");
        return duration;
    }

    private static TimeSpan? TryParseDuration(string text)
    {
        // A bare number is ambiguous (TimeSpan would read "10" as ten days), so TimeSpan text needs a colon.
        if (text.Contains(':'))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        if (text.Length < 2) return null;

        Func<double, TimeSpan>? unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds,
            'm' => TimeSpan.FromMinutes,
            'h' => TimeSpan.FromHours,
            'd' => TimeSpan.FromDays,
            _ => null,
        };
        if (unit is null) return null;
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            return null;
        try { return unit(amount); }
        catch (OverflowException) { return null; }
    }
}

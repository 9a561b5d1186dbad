namespace Detector.Enforcement;

/// <summary>Ban duration by offence number: 10 min, 30 min, 2 h, then permanent by default.</summary>
public sealed class BanLadder
{
    /// <summary>Parses "10m", "30m", "2h", "1d", "90s", "permanent" or TimeSpan text ("00:10:00"). Throws
    /// FormatException with a clear message on bad input or an empty ladder; "permanent" may only be last.</summary>
    public static BanLadder Parse(IReadOnlyList<string> steps) => throw new NotImplementedException();

    public IReadOnlyList<TimeSpan?> Steps => throw new NotImplementedException();

    /// <summary>Duration for the n-th offence (1-based); past the end, the last step. null = permanent.</summary>
    public TimeSpan? DurationFor(int offence) => throw new NotImplementedException();

    /// <summary>The longest finite step (history must outlive it).</summary>
    public TimeSpan LongestFinite => throw new NotImplementedException();
}

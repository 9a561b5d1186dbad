using System.Globalization;
using Detector.Configuration;

namespace Detector.Enforcement;

/// <summary>Ban duration by offence number: 10 min, 30 min, 2 h, then permanent by default.</summary>
public sealed class BanLadder
{
    public const string Permanent = LadderText.Permanent;

    /// <summary>The longest finite ban: a manual one (API, CLI) or a ladder step. Ten years: longer is "permanent",
    /// which says so; a bound keeps every expiry a time the ledger, the kernel backstop and the API can represent.</summary>
    public static readonly TimeSpan MaxDuration = LadderText.MaxDuration;

    public const string MaxDurationText = LadderText.MaxDurationText;

    private readonly TimeSpan?[] _steps;

    private BanLadder(TimeSpan?[] steps)
    {
        _steps = steps;
        LongestFinite = steps.Where(s => s is not null).Select(s => s!.Value).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    /// <summary>10m, 30m, 2h, permanent.</summary>
    public static BanLadder Default { get; } = Parse(["10m", "30m", "2h", Permanent]);

    /// <summary>Parses "10m", "30m", "2h", "1d", "90s", "permanent" or TimeSpan text ("00:10:00") with
    /// <see cref="LadderText.Parse"/>: FormatException with a clear message on bad input or an empty ladder.</summary>
    public static BanLadder Parse(IReadOnlyList<string> steps) => new(LadderText.Parse(steps));

    public IReadOnlyList<TimeSpan?> Steps => _steps;

    /// <summary>Duration for the n-th offence (1-based); past the end, the last step. null = permanent.</summary>
    public TimeSpan? DurationFor(int offence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(offence, 1);
        return _steps[Math.Min(offence, _steps.Length) - 1];
    }

    /// <summary>The longest finite step (history must outlive it); zero when every step is permanent.</summary>
    public TimeSpan LongestFinite { get; }

    public override string ToString() => string.Join(", ", _steps.Select(StepText));

    private static string StepText(TimeSpan? step) =>
        step is { } s ? ((long)s.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s" : Permanent;
}

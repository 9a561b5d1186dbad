using System.Globalization;
using Detector.Simulation.Scenarios;

namespace Detector.Host.Quality;

/// <summary>The distribution of one family's results over many seeds, and its worst seed.</summary>
public sealed record FamilySummary(string Family, ScenarioKind Kind, AlertExpectation Alert, IReadOnlyList<ScenarioScore> Scores)
{
    public int Runs => Scores.Count;
    public int Passed => Scores.Count(s => s.Passed);
    public int BenignBanned => Scores.Sum(s => s.BenignBanned.Count);
    public int SeedsWithBenignBanned => Scores.Count(s => s.BenignBanned.Count > 0);
    public int FalseAlerts => Scores.Sum(s => s.FalseAlerts);
    public int SeedsWithFalseAlerts => Scores.Count(s => s.FalseAlerts > 0);
    public int MissedAttackers => Scores.Sum(s => s.MissedAttackers.Count());
    public int MustBanAttackers => Scores.Sum(s => s.Attackers.Count);
    public int SeedsMissingRequiredAlert => Scores.Count(s => s.Scenario.Alert == AlertExpectation.Required && !s.CausedAlertRaised);
    public int SeedsWithAlerts => Scores.Count(s => s.Alerts > 0);
    public int DeadlinesMissed => Scores.Count(s => !s.DeadlineMet);
    public int LadderWrong => Scores.Count(s => s.LadderCorrect == false);
    public int OptionalBanned => Scores.Sum(s => s.OptionalBanned);
    public int OptionalAttackers => Scores.Sum(s => s.OptionalAttackers.Count);

    /// <summary>Each seed's slowest ban of a must-ban attacker (seconds), over the seeds that banned any.</summary>
    public IReadOnlyList<long> Delays => [.. Scores.Select(s => s.MaxDelaySeconds).OfType<long>().Order()];

    public long? DelayP50 => Delays.Count == 0 ? null : Delays[(Delays.Count - 1) / 2];
    public long? DelayMax => Delays.Count == 0 ? null : Delays[^1];

    /// <summary>The seed to reproduce first: the most broken expectations, then the slowest ban.</summary>
    public ScenarioScore? Worst => Scores.OrderByDescending(Severity).ThenByDescending(s => s.MaxDelaySeconds ?? -1).ThenBy(s => s.Scenario.Seed).FirstOrDefault();

    /// <summary>The seed with the most benign addresses banned (null when none was).</summary>
    public ScenarioScore? WorstBenign => Scores.Where(s => s.BenignBanned.Count > 0).MaxBy(s => s.BenignBanned.Count);

    /// <summary>Ban conditions over all seeds, with how many bans each.</summary>
    public IReadOnlyDictionary<string, int> Rules =>
        Scores.SelectMany(s => s.Conditions).GroupBy(c => c.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    /// <summary>GLOBAL alert conditions over all seeds, with how many alerts each.</summary>
    public IReadOnlyDictionary<string, int> AlertConditions =>
        Scores.SelectMany(s => s.AlertEvents).GroupBy(a => a.Condition, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static IReadOnlyList<FamilySummary> Of(IEnumerable<ScenarioScore> scores) =>
        [.. scores.GroupBy(s => s.Scenario.Family).OrderBy(g => CatalogOrder(g.Key)).Select(g => new FamilySummary(g.Key, g.First().Scenario.Kind, g.First().Scenario.Alert,
            [.. g.OrderBy(s => s.Scenario.Seed)]))];

    private static int CatalogOrder(string family)
    {
        for (var i = 0; i < ScenarioCatalog.Families.Count; i++)
            if (ScenarioCatalog.Families[i].Name == family) return i;
        return int.MaxValue;
    }

    private static int Severity(ScenarioScore s) =>
        s.BenignBanned.Count + s.MissedAttackers.Count() + s.FalseAlerts +
        (s.Scenario.Alert == AlertExpectation.Required && !s.CausedAlertRaised ? 1 : 0) + (s.DeadlineMet ? 0 : 1) + (s.LadderCorrect == false ? 1 : 0);

    /// <summary>One console line: the distribution and the seed to reproduce.</summary>
    public string ConsoleLine()
    {
        var b = new System.Text.StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{Family,-26} {Kind.ToString().ToLowerInvariant(),-6} pass {Passed,2}/{Runs,-2}");
        b.Append(CultureInfo.InvariantCulture, $"  benign banned {BenignBanned,3}");
        if (WorstBenign is { } wb) b.Append(CultureInfo.InvariantCulture, $" (worst #{wb.Scenario.Seed}: {wb.BenignBanned.Count})");
        if (Alert == AlertExpectation.Forbidden) b.Append(CultureInfo.InvariantCulture, $"  false alerts {FalseAlerts} in {SeedsWithFalseAlerts} seeds");
        else b.Append(CultureInfo.InvariantCulture, $"  alerted in {SeedsWithAlerts} seeds");
        if (Alert == AlertExpectation.Allowed && Scores.FirstOrDefault()?.Scenario.AlertCause is { } cause && SeedsWithAlerts > 0)
            b.Append(CultureInfo.InvariantCulture, $" (naming '{cause}' in {Scores.Count(s => s.AlertNamesCause == true)})");
        if (MustBanAttackers > 0) b.Append(CultureInfo.InvariantCulture, $"  missed {MissedAttackers}/{MustBanAttackers}");
        if (Alert == AlertExpectation.Required) b.Append(CultureInfo.InvariantCulture, $"  required alert missing {SeedsMissingRequiredAlert}");
        if (OptionalAttackers > 0) b.Append(CultureInfo.InvariantCulture, $"  optional banned {OptionalBanned}/{OptionalAttackers}");
        if (Delays.Count > 0) b.Append(CultureInfo.InvariantCulture, $"  delay p50/max {DelayP50}/{DelayMax} s");
        if (DeadlinesMissed > 0) b.Append(CultureInfo.InvariantCulture, $" ({DeadlinesMissed} late)");
        if (LadderWrong > 0) b.Append(CultureInfo.InvariantCulture, $"  ladder wrong {LadderWrong}");
        if (Worst is { Passed: false } w) b.Append(CultureInfo.InvariantCulture, $"\n    worst: {w.Scenario.Name}: {string.Join("; ", w.Failures())}");
        return b.ToString();
    }
}

using System.Globalization;
using System.Text;
using Detector.Simulation.Scenarios;

namespace Detector.Host.Quality;

/// <summary>The detection-quality table: one row per labelled scenario.</summary>
public static class QualityReport
{
    /// <summary>One row per scenario (seed): what happened and why it failed.</summary>
    public static string Markdown(IReadOnlyList<ScenarioScore> scores, string model)
    {
        var b = new StringBuilder();
        b.AppendLine("| scenario | kind | situation | recall | benign banned | delay (max / median) | GLOBAL alerts | ladder | rules that fired | verdict |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scores)
        {
            var recall = s.Attackers.Count == 0 ? "–" : $"{s.Attackers.Count(s.BanDelays.ContainsKey)}/{s.Attackers.Count}";
            if (s.OptionalAttackers.Count > 0) recall += $" (+{s.OptionalBanned}/{s.OptionalAttackers.Count} optional)";
            var benign = s.BenignBanned.Count == 0 ? "0" : $"**{s.BenignBanned.Count}** ({string.Join(", ", s.BenignBanned.Take(3))}{(s.BenignBanned.Count > 3 ? ", …" : "")})";
            var delay = s.MaxDelaySeconds is { } max ? $"{max} s / {s.MedianDelaySeconds} s" : "–";
            if (s.Scenario.BanDeadline is { } deadline) delay += $" (≤ {deadline.TotalSeconds:0} s)";
            var alerts = $"{s.Alerts} ({Expectation(s.Scenario)})";
            if (s.Alerts > 0) alerts += ": " + string.Join(", ", s.AlertEvents.Select(a => $"`{a.Condition}`").Distinct());
            var ladder = s.LadderCorrect switch
            {
                null => "–",
                true => "ok: " + string.Join(", ", s.LadderDurations),
                false => $"**wrong**: {string.Join(", ", s.LadderDurations)} (want {string.Join(", ", s.ExpectedLadder)})",
            };
            var rules = s.Conditions.Count == 0 ? "–" : string.Join(", ", s.Conditions.Select(c => $"`{c.Key}` ×{c.Value}"));
            b.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Scenario.Name} | {s.Scenario.Kind.ToString().ToLowerInvariant()} | {s.Scenario.Situation} | {recall} | {benign} | {delay} | {alerts} | {ladder} | {rules} | {(s.Passed ? "pass" : "**FAIL**")} |");
        }
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Model: {model}. {scores.Count(s => s.Passed)} of {scores.Count} scenarios pass.");
        return b.ToString();
    }

    /// <summary>
    /// One row per family: the model's distribution over the seeds (passes, benign bans and the worst seed, false
    /// alerts, missed attackers, required alerts, ban delays, rules) and, when given, the original rules' beside it.
    /// </summary>
    public static string FamilyTable(IReadOnlyList<FamilySummary> model, IReadOnlyList<FamilySummary>? original, string seeds)
    {
        var b = new StringBuilder();
        b.AppendLine("| family | kind | GLOBAL alert | pass | benign banned (worst seed) | false alerts (seeds) | missed attackers | required alert missing | slowest ban p50 / max | rules that banned | alert conditions | worst seed | original rules: pass / benign banned / false alerts / missed |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var f in model)
        {
            var o = original?.FirstOrDefault(x => x.Family == f.Family);
            var benign = f.BenignBanned == 0 ? "0" : $"**{f.BenignBanned}** in {f.SeedsWithBenignBanned} ({f.WorstBenign!.Scenario.Name}: {f.WorstBenign.BenignBanned.Count})";
            var falseAlerts = f.Alert != AlertExpectation.Forbidden
                ? $"– ({f.SeedsWithAlerts} seeds alerted{(f.Alert == AlertExpectation.Allowed && f.SeedsWithAlerts > 0 && f.Scores[0].Scenario.AlertCause is { } cause ? $", {f.Scores.Count(s => s.AlertNamesCause == true)} naming '{cause}'" : "")})"
                : f.FalseAlerts == 0 ? "0" : $"**{f.FalseAlerts}** ({f.SeedsWithFalseAlerts})";
            var missed = f.MustBanAttackers == 0 ? "–" : f.MissedAttackers == 0 ? $"0/{f.MustBanAttackers}" : $"**{f.MissedAttackers}**/{f.MustBanAttackers}";
            if (f.OptionalAttackers > 0) missed += $" (optional banned {f.OptionalBanned}/{f.OptionalAttackers})";
            var required = f.Alert != AlertExpectation.Required ? "–" : f.SeedsMissingRequiredAlert == 0 ? "0" : $"**{f.SeedsMissingRequiredAlert}**";
            var delay = f.Delays.Count == 0 ? "–" : $"{f.DelayP50} / {f.DelayMax} s";
            if (f.DeadlinesMissed > 0) delay += $" (**{f.DeadlinesMissed} late**)";
            var rules = f.Rules.Count == 0 ? "–" : string.Join(", ", f.Rules.Select(r => $"`{r.Key}` ×{r.Value}"));
            var alerts = f.AlertConditions.Count == 0 ? "–" : string.Join(", ", f.AlertConditions.Select(r => $"`{r.Key}` ×{r.Value}"));
            var worst = f.Worst is { Passed: false } w ? $"{w.Scenario.Name}: {string.Join("; ", w.Failures())}" : "–";
            var orig = o is null ? "not run" : $"{o.Passed}/{o.Runs} / {o.BenignBanned} / {(o.Alert == AlertExpectation.Forbidden ? o.FalseAlerts.ToString(CultureInfo.InvariantCulture) : "–")} / {(o.MustBanAttackers == 0 ? "–" : $"{o.MissedAttackers}/{o.MustBanAttackers}")}";
            b.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Family} | {f.Kind.ToString().ToLowerInvariant()} | {f.Alert.ToString().ToLowerInvariant()} | {(f.Passed == f.Runs ? "" : "**")}{f.Passed}/{f.Runs}{(f.Passed == f.Runs ? "" : "**")} | {benign} | {falseAlerts} | {missed} | {required} | {delay} | {rules} | {alerts} | {Escape(worst)} | {orig} |");
        }
        b.AppendLine();
        var runs = model.Sum(f => f.Runs);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Seeds {seeds}: {model.Sum(f => f.Passed)} of {runs} draws pass with the default options");
        if (original is not null)
            summary += string.Create(CultureInfo.InvariantCulture, $", {original.Sum(f => f.Passed)} of {original.Sum(f => f.Runs)} with the original rules alone");
        summary += string.Create(CultureInfo.InvariantCulture,
            $". Default options: {model.Sum(f => f.BenignBanned)} benign addresses banned, {model.Sum(f => f.FalseAlerts)} false GLOBAL alerts, " +
            $"{model.Sum(f => f.MissedAttackers)} of {model.Sum(f => f.MustBanAttackers)} must-ban attackers missed.");
        b.AppendLine(summary);
        return b.ToString();
    }

    private static string Expectation(LabelledScenario s) => s.Alert switch
    {
        AlertExpectation.Forbidden => "forbidden",
        AlertExpectation.Required => s.AlertCause is { } c ? $"required, naming '{c}'" : "required",
        _ => s.AlertCause is { } cause ? $"allowed, should name '{cause}'" : "allowed",
    };

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>The original design's rules alone: the new per-IP rules off, no shared bar, the global rule as first specified.</summary>
    public static void OriginalRulesOnly(Detector.Configuration.DetectorOptions options)
    {
        var d = options.Detection;
        d.AuthFailureMinCount = 0;
        d.NotFoundMinCount = 0;
        d.SustainedRate = 0;
        d.SurgeContributorRate = 0;
        d.SharedBarRaise = 1;
        d.GlobalMinRiseFactor = 1;
        d.GlobalMinAnomalousSeconds = 1;
        d.GlobalRule = Detector.Configuration.GlobalRuleKind.Original;
        d.RepetitiveMinRequests = 0;
        d.RepetitiveRouteMinRequests = 0;
    }

    /// <summary>Replaces the generated block named <paramref name="marker"/> in <paramref name="document"/> (appending it if absent).</summary>
    public static string Document(string document, string marker, string table)
    {
        var begin = $"<!-- {marker}:begin -->";
        var end = $"<!-- {marker}:end -->";
        var b = document.IndexOf(begin, StringComparison.Ordinal);
        var e = document.IndexOf(end, StringComparison.Ordinal);
        if (b < 0 || e < b)
            return (document.Length == 0 ? "# Detection quality\n" : document.TrimEnd() + "\n") + $"\n{begin}\n{table}{end}\n";
        return document[..(b + begin.Length)] + "\n" + table + document[e..];
    }
}

using System.Globalization;
using System.Text;
using Detector.Simulation.Scenarios;

namespace Detector.Host.Quality;

/// <summary>The detection-quality table: one row per labelled scenario.</summary>
public static class QualityReport
{
    public static string Markdown(IReadOnlyList<ScenarioScore> scores, string model)
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"| scenario | kind | situation | recall | benign banned | delay (max / median) | GLOBAL alerts | ladder | rules that fired | verdict |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scores)
        {
            var recall = s.Attackers.Count == 0 ? "–" : $"{s.BanDelays.Count}/{s.Attackers.Count}";
            var benign = s.BenignBanned.Count == 0 ? "0" : $"**{s.BenignBanned.Count}** ({string.Join(", ", s.BenignBanned.Take(3))}{(s.BenignBanned.Count > 3 ? ", …" : "")})";
            var delay = s.MaxDelaySeconds is { } max ? $"{max} s / {s.MedianDelaySeconds} s" : "–";
            if (s.Scenario.BanDeadline is { } deadline) delay += $" (≤ {deadline.TotalSeconds:0} s)";
            var alerts = $"{s.Alerts} ({(s.Scenario.ExpectGlobalAlert ? "expected" : "none expected")})";
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

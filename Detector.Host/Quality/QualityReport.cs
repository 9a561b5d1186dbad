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

    private const string Begin = "<!-- scenario-table:begin -->";
    private const string End = "<!-- scenario-table:end -->";

    /// <summary>Replaces the generated table between its markers in <paramref name="document"/> (or makes a minimal document).</summary>
    public static string Document(string document, string table)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            return $"# Detection quality\n\n{Begin}\n{table}{End}\n";
        return document[..(begin + Begin.Length)] + "\n" + table + document[end..];
    }
}

using System.Diagnostics;
using Detector.Host.Quality;
using Detector.Simulation.Scenarios;

namespace Detector.Benchmarks;

/// <summary><c>scenarios</c>: replays every labelled scenario and writes the detection-quality table to docs/.</summary>
internal static class ScenarioSuite
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verbose = args.Contains("--verbose");
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        args = [.. args.Where(a => a != "--verbose" && a != only && a != "--only")];
        var output = args.Length > 0 ? args[0] : FindDocs();
        var work = Directory.CreateTempSubdirectory("detector-scenarios-");
        try
        {
            var model = await RunSuiteAsync(work, only, verbose, configure: null);
            if (only is not null) return model.All(s => s.Passed) ? 0 : 1;
            Console.WriteLine("-- the original rules alone, for comparison --");
            var original = await RunSuiteAsync(work, only, verbose: false, QualityReport.OriginalRulesOnly);

            var document = File.Exists(output) ? File.ReadAllText(output) : "";
            document = QualityReport.Document(document, "scenario-table", QualityReport.Markdown(model, "default options"));
            document = QualityReport.Document(document, "original-rules-table",
                QualityReport.Markdown(original, "the original rules alone (`QualityReport.OriginalRulesOnly`)"));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, document);
            Console.WriteLine($"wrote {output}");
            return model.All(s => s.Passed) ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<List<ScenarioScore>> RunSuiteAsync(DirectoryInfo work, string? only, bool verbose, Action<Detector.Configuration.DetectorOptions>? configure)
    {
        var scores = new List<ScenarioScore>();
        foreach (var scenario in ScenarioCatalog.All.Where(s => only is null || s.Name == only))
        {
            var timer = Stopwatch.StartNew();
            var score = await ScenarioReplay.RunAsync(scenario, work, configure);
            Console.WriteLine($"{scenario.Name,-26} {(score.Passed ? "pass" : "FAIL"),-5} recall {score.BanDelays.Count}/{score.Attackers.Count}  " +
                $"benign banned {score.BenignBanned.Count}  max delay {score.MaxDelaySeconds?.ToString() ?? "-"} s  alerts {score.Alerts}  " +
                $"rules {string.Join(",", score.Conditions.Keys)}  ({timer.Elapsed.TotalSeconds:0.0} s)");
            scores.Add(score);
            if (verbose)
                foreach (var line in File.ReadLines(Path.Combine(work.FullName, scenario.Name + ".audit.log")))
                    if (!line.Contains(" BASELINE ") && !line.Contains(" UNBAN ")) Console.WriteLine("    " + line);
        }
        return scores;
    }

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Detector.sln")))
                return Path.Combine(dir.FullName, "docs", "detection-quality.md");
        return Path.Combine("docs", "detection-quality.md");
    }
}

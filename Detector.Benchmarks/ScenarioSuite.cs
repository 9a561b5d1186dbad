using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Detector.Configuration;
using Detector.Host.Quality;
using Detector.Simulation.Scenarios;

namespace Detector.Benchmarks;

/// <summary>
/// <c>scenarios</c>: replays N seeds of every scenario family (default 20 fresh reporting seeds from 1000), prints each
/// family's distribution and worst seed, and regenerates the tables of docs/detection-quality.md.
/// </summary>
internal static class ScenarioSuite
{
    private sealed record Options(
        int Seeds, int FirstSeed, string? Family, bool Original, int Parallel, bool Verbose, bool GenerateOnly, bool Docs, string Output);

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"scenarios: {e.Message}");
            return 2;
        }
        var families = ScenarioCatalog.Families.Where(f => options.Family is null || f.Name == options.Family).ToList();
        if (families.Count == 0)
        {
            Console.Error.WriteLine($"scenarios: no family '{options.Family}'; families: {string.Join(", ", ScenarioCatalog.Families.Select(f => f.Name))}");
            return 2;
        }
        var seeds = Enumerable.Range(options.FirstSeed, options.Seeds).ToList();
        var seedText = $"{seeds[0]}–{seeds[^1]} ({seeds.Count} per family)";
        if (options.GenerateOnly) return Generate(families, seeds);

        var work = Directory.CreateTempSubdirectory("detector-scenarios-");
        try
        {
            Console.WriteLine($"scenarios: {families.Count} families × seeds {seedText}, {options.Parallel} in parallel");
            var model = await RunAllAsync(families, seeds, work, "model", configure: null, options);
            var modelSummary = FamilySummary.Of(model);
            Console.WriteLine();
            Console.WriteLine("-- default options --");
            foreach (var f in modelSummary) Console.WriteLine(f.ConsoleLine());

            IReadOnlyList<FamilySummary>? originalSummary = null;
            if (options.Original)
            {
                var original = await RunAllAsync(families, seeds, work, "original", QualityReport.OriginalRulesOnly, options with { Verbose = false });
                originalSummary = FamilySummary.Of(original);
                Console.WriteLine();
                Console.WriteLine("-- the original rules alone (QualityReport.OriginalRulesOnly) --");
                foreach (var f in originalSummary) Console.WriteLine(f.ConsoleLine());
            }

            Console.WriteLine();
            Console.WriteLine($"model: {modelSummary.Sum(f => f.Passed)} of {model.Count} draws pass; " +
                $"{modelSummary.Sum(f => f.BenignBanned)} benign banned, {modelSummary.Sum(f => f.FalseAlerts)} false GLOBAL alerts, " +
                $"{modelSummary.Sum(f => f.MissedAttackers)} must-ban attackers missed");
            Console.WriteLine("reproduce one draw: dotnet run -c Release --project Detector.Benchmarks -- scenarios --family NAME --first-seed SEED --seeds 1 --verbose");

            if (options.Docs && options.Family is null)
            {
                var document = File.Exists(options.Output) ? File.ReadAllText(options.Output) : "";
                document = QualityReport.Document(document, "family-table", QualityReport.FamilyTable(modelSummary, originalSummary, seedText));
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
                File.WriteAllText(options.Output, document);
                Console.WriteLine($"wrote {options.Output}");
            }
            return modelSummary.All(f => f.Passed == f.Runs) ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<List<ScenarioScore>> RunAllAsync(IReadOnlyList<ScenarioFamily> families, IReadOnlyList<int> seeds,
        DirectoryInfo work, string label, Action<DetectorOptions>? configure, Options options)
    {
        var dir = work.CreateSubdirectory(label);
        var jobs = families.SelectMany(f => seeds.Select(seed => (Family: f, Seed: seed))).ToList();
        var scores = new ConcurrentBag<ScenarioScore>();
        var done = 0;
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (job, cancellation) =>
        {
            var scenario = job.Family.Draw(job.Seed);
            var timer = Stopwatch.StartNew();
            var score = await ScenarioReplay.RunAsync(scenario, dir, configure, cancellation);
            scores.Add(score);
            var n = Interlocked.Increment(ref done);
            var line = $"[{label} {n}/{jobs.Count} {total.Elapsed.TotalSeconds:0}s] {scenario.Name,-30} {(score.Passed ? "pass" : "FAIL"),-4} " +
                $"({timer.Elapsed.TotalSeconds:0.0} s){(score.Passed ? "" : "  " + string.Join("; ", score.Failures()))}";
            if (options.Verbose)
            {
                line += $"\n    {scenario.Situation}\n    params: {scenario.Parameters}";
                foreach (var audit in File.ReadLines(Path.Combine(dir.FullName, scenario.Name + ".audit.log")))
                    if (!audit.Contains(" BASELINE ", StringComparison.Ordinal) && !audit.Contains(" UNBAN ", StringComparison.Ordinal))
                        line += "\n    " + audit;
            }
            lock (jobs) Console.WriteLine(line);
            File.Delete(Path.Combine(dir.FullName, scenario.Name + ".audit.log"));
        });
        return [.. scores.OrderBy(s => s.Scenario.Family, StringComparer.Ordinal).ThenBy(s => s.Scenario.Seed)];
    }

    /// <summary><c>--generate-only</c>: how fast the families generate, and how many lines each draw has.</summary>
    private static int Generate(IReadOnlyList<ScenarioFamily> families, IReadOnlyList<int> seeds)
    {
        long allLines = 0;
        var all = Stopwatch.StartNew();
        foreach (var family in families)
        {
            var lines = new List<long>();
            var timer = Stopwatch.StartNew();
            foreach (var seed in seeds)
            {
                var scenario = family.Draw(seed);
                long count = 0, bytes = 0;
                foreach (var line in scenario.Build().Generate(scenario.Duration))
                {
                    count++;
                    bytes += line.Json.Length + 1;
                }
                lines.Add(count);
            }
            timer.Stop();
            var sum = lines.Sum();
            allLines += sum;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{family.Name,-26} lines/draw min {lines.Min(),8:N0}  p50 {lines.Order().ElementAt(lines.Count / 2),8:N0}  max {lines.Max(),8:N0}  " +
                $"{sum / timer.Elapsed.TotalSeconds,10:N0} lines/s  {timer.Elapsed.TotalSeconds / seeds.Count,5:0.00} s/draw"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all: {allLines:N0} lines in {all.Elapsed.TotalSeconds:0.0} s, {allLines / all.Elapsed.TotalSeconds:N0} lines/s (one thread)"));
        return 0;
    }

    private static Options Parse(string[] args)
    {
        int seeds = 20, first = ScenarioCatalog.FirstReportingSeed, parallel = Math.Max(1, Environment.ProcessorCount);
        string? family = null, output = null;
        bool original = false, verbose = false, generateOnly = false, docs = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seeds": seeds = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                case "--first-seed": first = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                case "--family" or "--only": family = Value(args, ref i); break;
                case "--parallel": parallel = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                case "--original": original = true; break;
                case "--verbose": verbose = true; break;
                case "--generate-only": generateOnly = true; break;
                case "--no-docs": docs = false; break;
                case var path when !path.StartsWith("--", StringComparison.Ordinal): output = path; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (seeds < 1 || parallel < 1) throw new ArgumentException("--seeds and --parallel must be at least 1");
        return new Options(seeds, first, family, original, parallel, verbose, generateOnly, docs, output ?? FindDocs());
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static string FindDocs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Detector.sln")))
                return Path.Combine(dir.FullName, "docs", "detection-quality.md");
        return Path.Combine("docs", "detection-quality.md");
    }
}

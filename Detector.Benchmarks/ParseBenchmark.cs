using System.Globalization;
using System.Text;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;

namespace Detector.Benchmarks;

/// <param name="Lines">Lines of the benchmark log (the replay benchmark's, rewritten per format).</param>
/// <param name="Formats">Formats to time; all when empty.</param>
/// <param name="Rounds">Passes per format; each is reported, the best last.</param>
public sealed record ParseOptions(long Lines, IReadOnlyList<LogFormat> Formats, int Rounds)
{
    public static readonly LogFormat[] All =
        [LogFormat.Json, LogFormat.Combined, LogFormat.VhostCombined, LogFormat.CaddyJson, LogFormat.TraefikJson, LogFormat.TraefikClf];

    public static ParseOptions Parse(string[] args)
    {
        var options = new ParseOptions(1_000_000, [], 3);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--lines" when i + 1 < args.Length => options with { Lines = long.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture) },
                "--rounds" when i + 1 < args.Length => options with { Rounds = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--format" when i + 1 < args.Length => options with
                {
                    Formats = [.. options.Formats, LogFormatNames.TryParse(args[++i], out var f) && f != LogFormat.Auto
                        ? f : throw new ArgumentException($"--format: one of {LogFormatNames.Accepted} (not auto)")],
                },
                _ => throw new ArgumentException($"unknown parse option '{args[i]}'"),
            };
        }
        if (options.Lines <= 0 || options.Rounds <= 0) throw new ArgumentException("--lines and --rounds must be positive");
        return options;
    }
}

/// <summary>
/// Parse-only throughput per format: the replay benchmark's synthetic log (JSON lines), rewritten once per format by
/// <see cref="ServerLogLines"/> and cached beside it, read and parsed by <see cref="ParseOnlyPass"/> with the format
/// detected as the daemon would. The same traffic in every format, so the figures compare the parsers.
/// </summary>
internal static class ParseBenchmark
{
    public static int Run(ParseOptions options)
    {
        var json = BenchmarkLog.Ensure(options.Lines);
        var formats = options.Formats.Count > 0 ? options.Formats : ParseOptions.All;
        Console.WriteLine($"{"format",-16} {"lines",10} {"MB",6} {"B/line",7}  lines/s per round (best last)");
        foreach (var format in formats)
        {
            var path = format == LogFormat.Json ? json : Rewrite(json, format);
            var rounds = Enumerable.Range(0, options.Rounds).Select(_ => ParseOnlyPass.Run(path)).ToList();
            var best = rounds.MaxBy(r => r.LinesPerSecond)!;
            if (best.Parsed != best.Lines) Console.Error.WriteLine($"{format.Name()}: {best.Lines - best.Parsed} lines did not parse");
            var mb = new FileInfo(path).Length / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{format.Name(),-16} {best.Lines,10:N0} {mb,6:F0} {mb * 1e6 / best.Lines,7:F0}  {string.Join("  ", rounds.Select(r => $"{r.LinesPerSecond,9:N0}"))}  best {best.LinesPerSecond:N0}"));
        }
        return 0;
    }

    private static string Rewrite(string json, LogFormat format)
    {
        var path = $"{json}.{format.Name()}";
        if (File.Exists(path)) return path;
        var parser = new LogParser(new LogOptions { Format = LogFormat.Json }, new IngestCounters());
        var partial = path + ".partial";
        using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(false), 1 << 20))
        {
            foreach (var line in File.ReadLines(json))
                if (parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry)) writer.Write(ServerLogLines.Write(entry, format) + "\n");
        }
        File.Move(partial, path, overwrite: true);
        return path;
    }
}

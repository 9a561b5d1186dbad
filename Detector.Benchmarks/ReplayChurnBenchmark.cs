using System.Globalization;

namespace Detector.Benchmarks;

/// <summary>
/// <c>replay-churn</c>: <c>detector replay</c> of a log in which every request comes from a new address (default
/// 1,000,000 within 5 minutes of log time) and one flooder hides among them. Target (issue 10): peak RSS ≤ 400 MB,
/// and the flooder banned. Exit 0 when both hold, 2 when one is missed, 1 on failure.
/// </summary>
internal static class ReplayChurnBenchmark
{
    private const double RssTargetMb = 400;

    public static int Run(string[] args)
    {
        long addresses = 1_000_000;
        var seconds = 300;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--addresses" when i + 1 < args.Length: addresses = long.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"unknown replay-churn option '{args[i]}'");
            }
        }

        var workDir = Directory.CreateTempSubdirectory("detector-bench-churn-").FullName;
        try
        {
            var log = Path.Combine(workDir, "churn.log");
            Console.WriteLine($"generating {addresses:N0} new addresses over {seconds} s of log time: {log}");
            ChurnLog.Write(log, addresses, seconds);
            var dll = DetectorHostLocator.ReleaseDll();
            var audit = Path.Combine(workDir, "audit.log");
            Console.WriteLine($"pipeline: dotnet {dll} replay {log} --audit {audit}");
            var run = DetectorReplayRun.Run(dll, log, audit);
            if (run.Failed(Console.Error)) return 1;

            var peak = Math.Max(run.Number("peak_rss_mb") ?? 0, run.SampledPeakRssMb);
            var flooderBanned = File.ReadLines(audit).Any(l => l.Contains($"] BAN {ChurnLog.Flooder} ", StringComparison.Ordinal));
            Console.WriteLine();
            Console.WriteLine($"lines                {run.Number("lines"):N0}");
            Console.WriteLine($"processing           {run.Number("elapsed_s"):F2} s ({run.Number("lines_per_s"):N0} lines/s), process wall {run.WallSeconds:F2} s");
            Console.WriteLine($"addresses tracked    peak {run.Number("addresses_peak"):N0}, evicted {run.Number("addresses_evicted"):N0}");
            Console.WriteLine($"peak RSS             {peak:F0} MB (target <= {RssTargetMb:F0}) {(peak <= RssTargetMb ? "PASS" : "MISS")}");
            Console.WriteLine($"flooder banned       {(flooderBanned ? "yes PASS" : "no MISS")}");
            return peak <= RssTargetMb && flooderBanned ? 0 : 2;
        }
        finally
        {
            if (keep) Console.WriteLine($"kept: {workDir}");
            else Directory.Delete(workDir, recursive: true);
        }
    }
}

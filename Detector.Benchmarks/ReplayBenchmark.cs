namespace Detector.Benchmarks;

/// <summary>
/// <c>replay</c>: the end-to-end throughput benchmark. Generates (or reuses) the synthetic log, replays
/// it through the detector as a separate process, times a parse-only pass over the same file, and
/// checks the targets. Exit code 0 when every target passes, 2 when one is missed, 1 on failure.
/// </summary>
internal static class ReplayBenchmark
{
    public static int Run(ReplayOptions options)
    {
        var log = BenchmarkLog.Ensure(options.Lines);
        var workDir = Directory.CreateTempSubdirectory("detector-bench-run-").FullName;
        try
        {
            var dll = DetectorHostLocator.ReleaseDll();
            var audit = Path.Combine(workDir, "audit.log");
            Console.WriteLine($"pipeline: dotnet {dll} replay {log} --audit {audit}");
            var pipeline = DetectorReplayRun.Run(dll, log, audit);
            if (pipeline.Failed(Console.Error)) return 1;

            Console.WriteLine("parse-only: in-process pass over the same file");
            var parseOnly = TryParseOnly(log);

            var report = new ReplayReport(options.Lines, pipeline, parseOnly);
            report.Print(Console.Out);
            return report.AllPassed ? 0 : 2;
        }
        finally
        {
            if (options.Keep)
            {
                Console.WriteLine($"kept: {log} and {workDir}");
            }
            else
            {
                Directory.Delete(workDir, recursive: true);
                File.Delete(log);
            }
        }
    }

    /// <summary>Null while the parser is not available, so the pipeline figures still get reported.</summary>
    private static ParseOnlyResult? TryParseOnly(string log)
    {
        try
        {
            return ParseOnlyPass.Run(log);
        }
        catch (NotImplementedException)
        {
            Console.Error.WriteLine("parse-only: LogParser is not implemented yet; skipping");
            return null;
        }
    }
}

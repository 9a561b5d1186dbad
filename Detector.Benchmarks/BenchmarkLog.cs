using System.Diagnostics;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Domain;

namespace Detector.Benchmarks;

/// <summary>
/// The benchmark's synthetic log: 2,000 clients (10% IPv6) at ~150 req/s plus three 200 req/s floods
/// and a password sprayer, cut at the requested number of lines. Cached in the temp directory under a
/// name that includes the generator assembly's MVID, so a changed generator never reuses a stale file.
/// </summary>
internal static class BenchmarkLog
{
    private const int Seed = 20260429;
    private static readonly DateTimeOffset Start = new(2026, 4, 29, 8, 0, 0, TimeSpan.Zero);

    public static TrafficScenario Scenario() =>
        new TrafficScenario(Seed, Start)
            .WithClients(2_000, ipv6Share: 0.1, meanTotalRatePerSecond: 150)
            .WithFlood(IpKey.Parse("203.0.113.9"), TimeSpan.FromMinutes(40), TimeSpan.FromSeconds(90), 200)
            .WithSpraying(IpKey.Parse("198.51.100.23"), TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(5), 5)
            .WithFlood(IpKey.Parse("2001:db8:4::17"), TimeSpan.FromMinutes(70), TimeSpan.FromSeconds(60), 200, "POST", "/login")
            .WithFlood(IpKey.Parse("192.0.2.77"), TimeSpan.FromMinutes(95), TimeSpan.FromSeconds(120), 200,
                "GET", "/remote.php/dav/files/{user}/Documents/{n}.bin");

    public static string CachedPath(long lines)
    {
        var generator = typeof(TrafficScenario).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
        return Path.Combine(Path.GetTempPath(), "detector-bench", $"replay-{lines}-seed{Seed}-{generator}.log");
    }

    /// <summary>Returns the cached log for these parameters, generating it first when absent.</summary>
    public static string Ensure(long lines)
    {
        var path = CachedPath(lines);
        if (File.Exists(path))
        {
            Console.WriteLine($"log: reusing {path}");
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        var stopwatch = Stopwatch.StartNew();
        var written = Scenario().WriteTo(partial, Timeout.InfiniteTimeSpan, lines);
        File.Move(partial, path, overwrite: true);
        var mb = new FileInfo(path).Length / 1e6;
        Console.WriteLine($"log: generated {written:N0} lines ({mb:F0} MB, {mb * 1e6 / written:F0} B/line) in {stopwatch.Elapsed.TotalSeconds:F1} s -> {path}");
        return path;
    }
}

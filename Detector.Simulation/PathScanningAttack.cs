using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>An aggressive content scanner: fast GETs for paths that do not exist, answered with 404.</summary>
internal sealed class PathScanningAttack(IpKey ip, Random random, long startMs, TimeSpan duration, double ratePerSecond)
    : PacedAttack(ip, random, startMs, duration, ratePerSecond)
{
    private static readonly string[] Extensions = [".php", ".bak", ".zip", ".sql", ".old", "/", ".json"];
    private static readonly string[] Words =
        ["admin", "backup", "config", "db", "old", "test", "upload", "api", "private", "site", "data", "install"];

    protected override SimulatedRequest Request(long index)
    {
        var path = index % 3 == 0
            ? Pick(NextcloudVocabulary.ScannerPaths)
            : "/" + Pick(Words) + (Random.Next(3) == 0 ? "/" + Pick(Words) : "") + Pick(Extensions);
        return new SimulatedRequest("GET", path, 404, 146, LatencyMs(3), "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "", "HTTP/1.1");
    }
}

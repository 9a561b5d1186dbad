using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// Background noise every public server sees: a bot that, every few hours, probes a handful of
/// well-known paths (/wp-login.php, /.env…) and gets 404s. Benign in the sense of "not an attack
/// Detector must ban": too slow to matter.
/// </summary>
internal sealed class InternetScanner : BenignClient
{
    private const double SweepGapSeconds = 4 * 3600;
    private const double MeanProbes = 8;
    public const double NominalRatePerSecond = MeanProbes / SweepGapSeconds;

    private readonly string _agent;

    public InternetScanner(IpKey ip, Random random, SimulationContext context) : base(ip, random, context) =>
        _agent = Pick(NextcloudVocabulary.ScannerAgents);

    protected override double InitialSpreadSeconds => SweepGapSeconds;

    protected override long PlanActivity(long atMs)
    {
        var t = atMs;
        var probes = Random.Next(4, 13);
        for (var i = 0; i < probes; i++)
        {
            var path = Pick(NextcloudVocabulary.ScannerPaths);
            // Nextcloud's nginx config denies dot-files and internal paths with 403 rather than 404.
            var status = path.StartsWith("/.", StringComparison.Ordinal) ? 403 : 404;
            Send(t, new SimulatedRequest("GET", path, status, 146, LatencyMs(3), _agent, "", "HTTP/1.1"));
            t = After(t, 600);
        }
        return atMs + Context.ExponentialGapMs(Random, SweepGapSeconds, atMs);
    }
}

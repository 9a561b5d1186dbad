using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// An uptime monitor: GET /status.php every 60 s, day and night, unaffected by the population's
/// rate target (its rate is fixed and counted before the other clients are scaled).
/// </summary>
internal sealed class MonitoringProbe : BenignClient
{
    private const double PeriodSeconds = 60;
    public const double FixedRatePerSecond = 1 / PeriodSeconds;

    private readonly string _agent;

    public MonitoringProbe(IpKey ip, Random random, SimulationContext context) : base(ip, random, context) =>
        _agent = Pick(NextcloudVocabulary.MonitoringAgents);

    protected override double InitialSpreadSeconds => PeriodSeconds / Context.GapScale;

    protected override long PlanActivity(long atMs)
    {
        Send(atMs, new SimulatedRequest("GET", "/status.php", 200, 187, LatencyMs(12), _agent, "", "HTTP/1.1"));
        return atMs + (long)(PeriodSeconds * 1000) + Random.Next(-200, 200);
    }
}

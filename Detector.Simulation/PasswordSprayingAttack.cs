using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// Password spraying: Basic-auth attempts against many user names over WebDAV and OCS, each
/// answered with 401.
/// </summary>
internal sealed class PasswordSprayingAttack(IpKey ip, Random random, long startMs, TimeSpan duration, double ratePerSecond)
    : PacedAttack(ip, random, startMs, duration, ratePerSecond)
{
    private readonly string _agent = NextcloudVocabulary.DesktopSyncAgents[random.Next(NextcloudVocabulary.DesktopSyncAgents.Length)];

    protected override SimulatedRequest Request(long index) =>
        index % 2 == 0
            ? new("PROPFIND", $"/remote.php/dav/files/{Random.NextUserName()}/", 401, 569, LatencyMs(180), _agent, "", "HTTP/1.1")
            : new("GET", "/ocs/v2.php/cloud/user?format=json", 401, 312, LatencyMs(180), _agent, "", "HTTP/1.1");
}

using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A request flood from one IP. The path pattern may contain <c>{n}</c> (a random number, to defeat
/// caches) and <c>{user}</c> (a random user name).
/// </summary>
internal sealed class FloodAttack(
    IpKey ip, Random random, long startMs, TimeSpan duration, double ratePerSecond,
    string method, string pathPattern, int status) : PacedAttack(ip, random, startMs, duration, ratePerSecond)
{
    private readonly string _agent = NextcloudVocabulary.BrowserAgents[random.Next(NextcloudVocabulary.BrowserAgents.Length)];
    private readonly bool _varies = pathPattern.Contains('{');

    protected override SimulatedRequest Request(long index)
    {
        var uri = _varies
            ? pathPattern.Replace("{n}", Random.Next(0, 1_000_000).ToString()).Replace("{user}", Random.NextUserName())
            : pathPattern;
        return new SimulatedRequest(method, uri, status, status is 304 or 204 ? 0 : AroundBytes(7_800), LatencyMs(25), _agent, "", "HTTP/1.1");
    }
}

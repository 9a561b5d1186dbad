using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// The desktop sync client (mirall): a Depth-0 PROPFIND on the user's root every ~30 s, now and then
/// syncing a changed folder (PROPFIND + GET or PUT) or checking notifications.
/// </summary>
internal sealed class DesktopSyncClient : BenignClient
{
    private const double PollSeconds = 30;
    private const double ChangeShare = 0.08;
    private const double NotificationShare = 0.10;
    public const double NominalRatePerSecond = (1 + ChangeShare * 2 + NotificationShare) / PollSeconds;

    private readonly string _user;
    private readonly string _agent;
    private readonly string _protocol;

    public DesktopSyncClient(IpKey ip, Random random, SimulationContext context) : base(ip, random, context)
    {
        _user = random.NextUserName();
        _agent = Pick(NextcloudVocabulary.DesktopSyncAgents);
        _protocol = Chance(0.7) ? "HTTP/2.0" : "HTTP/1.1";
    }

    protected override double InitialSpreadSeconds => PollSeconds;

    /// <summary>The machine is switched on: status and capabilities, the account, then a discovery of changed folders.</summary>
    protected override long OnArrive(long atMs)
    {
        var root = $"/remote.php/dav/files/{_user}/";
        Send(atMs, Request("GET", "/status.php", 200, 187, LatencyMs(15)));
        var t = After(atMs, 150);
        Send(t, Request("GET", "/ocs/v1.php/cloud/capabilities?format=json", 200, AroundBytes(4_200), LatencyMs(60)));
        t = After(t, 150);
        Send(t, Request("GET", "/ocs/v1.php/cloud/user?format=json", 200, AroundBytes(1_500), LatencyMs(50)));
        t = After(t, 300);
        Send(t, Request("PROPFIND", root, 207, AroundBytes(1_200), LatencyMs(45)));
        var folders = Random.Next(1, 6);
        for (var i = 0; i < folders; i++)
        {
            t = After(t, 250);
            Send(t, Request("PROPFIND", $"{root}{Random.NextFolder()}/", 207, AroundBytes(8_500), LatencyMs(120)));
        }
        if (Chance(0.5))
        {
            t = After(t, 300);
            Send(t, Request("GET", $"{root}{Random.NextFolder()}/{Random.NextFileName()}", 200, AroundBytes(850_000), LatencyMs(600)));
        }
        Send(After(t, 200), Request("GET", "/ocs/v2.php/apps/notifications/api/v2/notifications?format=json", 200, AroundBytes(900), LatencyMs(60)));
        return atMs + Context.PeriodMs(Random, PollSeconds, atMs);
    }

    protected override long PlanActivity(long atMs)
    {
        var root = $"/remote.php/dav/files/{_user}/";
        // An app password revoked on the server: the client keeps polling and gets 401 until re-login.
        var status = Chance(0.003) ? 401 : 207;
        Send(atMs, Request("PROPFIND", root, status, status == 207 ? AroundBytes(1_200) : 569, LatencyMs(45)));

        var roll = Random.NextDouble();
        if (status == 207 && roll < ChangeShare)
        {
            var folder = Random.NextFolder();
            var t = After(atMs, 400);
            Send(t, Request("PROPFIND", $"{root}{folder}/", 207, AroundBytes(8_500), LatencyMs(120)));
            var file = $"{root}{folder}/{Random.NextFileName()}";
            t = After(t, 300);
            if (Chance(0.6)) Send(t, Request("GET", file, Chance(0.02) ? 404 : 200, AroundBytes(850_000), LatencyMs(600)));
            else Send(t, Request("PUT", file, Chance(0.5) ? 201 : 204, 0, LatencyMs(900)));
        }
        else if (roll < ChangeShare + NotificationShare)
        {
            Send(After(atMs, 200), Request("GET", "/ocs/v2.php/apps/notifications/api/v2/notifications?format=json",
                Chance(0.6) ? 304 : 200, AroundBytes(900), LatencyMs(60)));
        }
        return atMs + Context.PeriodMs(Random, PollSeconds, atMs);
    }

    private SimulatedRequest Request(string method, string uri, int status, long bytes, int latencyMs) =>
        new(method, uri, status, status == 304 ? 0 : bytes, latencyMs, _agent, "", _protocol);
}

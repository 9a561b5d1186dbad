using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A person in the web UI: a session opens with a page load (the page, a burst of asset GETs and a
/// few API calls), then the open tab polls notifications every ~30 s, with an occasional
/// navigation; between sessions the user is away for about an hour.
/// </summary>
internal sealed class BrowserUser : BenignClient
{
    private const double PollSeconds = 30;
    private const double MeanSessionPolls = 30;
    private const double NavigationShare = 1.0 / 6;
    private const double AwaySeconds = 3600;
    // Page load ≈ 1 + 15 assets + 3 API calls; a poll step ≈ 1.1 requests, a navigation ≈ 7.
    public const double IntenseRatePerSecond =
        (19 + 4 * MeanSessionPolls * ((1 - NavigationShare) * 1.1 + NavigationShare * 7)) / (4 * MeanSessionPolls * PollSeconds + AwaySeconds / 6);

    public const double NominalRatePerSecond =
        (19 + MeanSessionPolls * ((1 - NavigationShare) * 1.1 + NavigationShare * 7)) / (MeanSessionPolls * PollSeconds + AwaySeconds);

    private readonly string _user;
    private readonly string _agent;
    private readonly string _assetVersion;
    private int _pollsLeft;

    public BrowserUser(IpKey ip, Random random, SimulationContext context) : base(ip, random, context)
    {
        _user = random.NextUserName();
        _agent = Pick(NextcloudVocabulary.BrowserAgents);
        _assetVersion = random.AssetVersion();
    }

    /// <summary>The web UI is this person's workplace (an office): the tab stays open, only short breaks between sessions.</summary>
    public bool Intense { get; set; }

    protected override double InitialSpreadSeconds => Intense ? PollSeconds : MeanSessionPolls * PollSeconds + AwaySeconds;

    /// <summary>Back at the desk: a fresh session, sometimes through the login form.</summary>
    protected override long OnArrive(long atMs)
    {
        _pollsLeft = 0;
        if (!Chance(0.25)) return PlanActivity(atMs);
        Send(atMs, Request("GET", "/login", 200, AroundBytes(9_500), LatencyMs(90)));
        var t = After(atMs, 4_000);
        Send(t, Request("POST", "/login", 303, 0, LatencyMs(350)));
        return PlanActivity(After(t, 300));
    }

    protected override long PlanActivity(long atMs)
    {
        if (_pollsLeft == 0)
        {
            LoadPage(atMs, assets: Random.Next(12, 19), freshCache: Chance(0.3));
            _pollsLeft = 1 + (int)(ExponentialMs((Intense ? 4 : 1) * MeanSessionPolls * 1000) / 1000);
            return atMs + Context.PeriodMs(Random, PollSeconds, atMs);
        }

        if (Chance(NavigationShare)) LoadPage(atMs, assets: 3, freshCache: false);
        else Poll(atMs);

        return --_pollsLeft == 0
            ? atMs + Context.ExponentialGapMs(Random, Intense ? AwaySeconds / 6 : AwaySeconds, atMs)
            : atMs + Context.PeriodMs(Random, PollSeconds, atMs);
    }

    private void LoadPage(long atMs, int assets, bool freshCache)
    {
        var page = Pick(NextcloudVocabulary.WebPages)
            .Replace("{folder}", Random.NextFolder())
            .Replace("{fileid}", Random.Next(1_000, 250_000).ToString());
        Send(atMs, Request("GET", page, Chance(0.004) ? 404 : 200, AroundBytes(24_000), LatencyMs(180)));

        var t = After(atMs, 250);
        for (var i = 0; i < assets; i++)
        {
            var (path, bytes) = Pick(NextcloudVocabulary.WebAssets);
            var uri = path + (path.Contains('?') ? "&v=" : "?v=") + _assetVersion;
            var status = freshCache || Chance(0.25) ? 200 : 304;
            Send(t, Request("GET", uri, status, bytes, LatencyMs(8)));
            t = After(t, 35);
        }
        for (var i = 0; i < 3 && i < assets; i++)
        {
            Send(t, Request("GET", Pick(NextcloudVocabulary.PageApiCalls), 200, AroundBytes(2_400), LatencyMs(70)));
            t = After(t, 60);
        }
        if (page.StartsWith("/apps/files", StringComparison.Ordinal))
            Send(t, Request("PROPFIND", $"/remote.php/dav/files/{_user}/{Random.NextFolder()}/", 207, AroundBytes(14_000), LatencyMs(140)));
    }

    private void Poll(long atMs)
    {
        var status = Chance(0.5) ? 304 : 200;
        Send(atMs, Request("GET", "/ocs/v2.php/apps/notifications/api/v2/notifications?format=json", status, AroundBytes(1_100), LatencyMs(55)));
        if (Chance(0.1))
            Send(After(atMs, 80), Request("PUT", "/ocs/v2.php/apps/user_status/api/v1/heartbeat?format=json", 200, AroundBytes(450), LatencyMs(40)));
    }

    // Nextcloud sends "Referrer-Policy: no-referrer", so in-app requests carry no Referer.
    private SimulatedRequest Request(string method, string uri, int status, long bytes, int latencyMs) =>
        new(method, uri, status, status == 304 ? 0 : bytes, latencyMs, _agent, "", "HTTP/2.0");
}

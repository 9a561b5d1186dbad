using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// The Android or iOS app: a background job every ~15 minutes checks the auto-upload folder (and
/// sometimes uploads a photo); about every other wake-up the user opens the app (status check, user
/// info, notifications, thumbnails) and browses folders for a couple of minutes.
/// </summary>
internal sealed class MobileAppClient : BenignClient
{
    private const double BrowseSeconds = 30;
    private const double MeanBrowseSteps = 5;
    private const double BackgroundSeconds = 900;
    private const double UploadShare = 0.3;
    private const double OpenShare = 0.5;
    // Per wake-up: 1 + 0.3 uploads, and half the time a session (4 + 6 previews + the browse steps).
    public const double NominalRatePerSecond =
        (1 + UploadShare + OpenShare * (10 + MeanBrowseSteps)) / (BackgroundSeconds + OpenShare * (60 + MeanBrowseSteps * BrowseSeconds));

    private readonly string _user;
    private readonly string _agent;
    private int _browseStepsLeft;
    private bool _open;

    public MobileAppClient(IpKey ip, Random random, SimulationContext context) : base(ip, random, context)
    {
        _user = random.NextUserName();
        _agent = Pick(NextcloudVocabulary.MobileAgents);
    }

    protected override double InitialSpreadSeconds => BackgroundSeconds;

    protected override long PlanActivity(long atMs)
    {
        var root = $"/remote.php/dav/files/{_user}/";
        if (!_open)
        {
            CheckAutoUpload(atMs, root);
            // The background job runs day and night; the person opens the app only when awake and around.
            _open = Chance(OpenShare) && IsPresent(atMs);
            if (!_open) return atMs + Context.ExponentialGapMs(Random, BackgroundSeconds, atMs);
            return atMs + Context.ExponentialGapMs(Random, 60, atMs);
        }

        if (_browseStepsLeft == 0)
        {
            Open(atMs, root);
            _browseStepsLeft = 1 + (int)(ExponentialMs(MeanBrowseSteps * 1000) / 1000);
            return atMs + Context.PeriodMs(Random, BrowseSeconds, atMs);
        }

        Send(atMs, Request("PROPFIND", $"{root}{Random.NextFolder()}/", 207, AroundBytes(9_000), LatencyMs(110)));
        if (--_browseStepsLeft > 0) return atMs + Context.PeriodMs(Random, BrowseSeconds, atMs);
        _open = false;
        return atMs + Context.ExponentialGapMs(Random, BackgroundSeconds, atMs);
    }

    private void Open(long atMs, string root)
    {
        Send(atMs, Request("GET", "/status.php", 200, 187, LatencyMs(15)));
        var t = After(atMs, 120);
        Send(t, Request("GET", "/ocs/v2.php/cloud/user?format=json", 200, AroundBytes(1_500), LatencyMs(50)));
        t = After(t, 80);
        Send(t, Request("GET", "/ocs/v2.php/apps/notifications/api/v2/notifications?format=json", 200, AroundBytes(1_100), LatencyMs(55)));
        t = After(t, 80);
        Send(t, Request("PROPFIND", root, 207, AroundBytes(6_000), LatencyMs(90)));
        for (var i = 0; i < 6; i++)
        {
            t = After(t, 90);
            var uri = $"/index.php/core/preview?fileId={Random.Next(1_000, 250_000)}&x=512&y=512&a=true&mode=cover&forceIcon=0";
            Send(t, Request("GET", uri, Chance(0.03) ? 404 : 200, AroundBytes(38_000), LatencyMs(90)));
        }
    }

    private void CheckAutoUpload(long atMs, string root)
    {
        var folder = "InstantUpload/Camera/2026/04";
        Send(atMs, Request("PROPFIND", $"{root}{folder}/", 207, AroundBytes(4_000), LatencyMs(80)));
        if (!Chance(UploadShare)) return;
        var photo = $"{root}{folder}/IMG_{Random.Next(20260101, 20260430)}_{Random.Next(0, 235959):D6}.jpg";
        Send(After(atMs, 300), Request("PUT", photo, 201, 0, LatencyMs(1_400)));
    }

    private SimulatedRequest Request(string method, string uri, int status, long bytes, int latencyMs) =>
        new(method, uri, status, bytes, latencyMs, _agent, "", "HTTP/2.0");
}

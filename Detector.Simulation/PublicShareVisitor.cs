using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// Someone opening a public share link now and then: the share page with its assets, then the download.
/// </summary>
internal sealed class PublicShareVisitor : BenignClient
{
    private const double VisitGapSeconds = 7200;
    public const double NominalRatePerSecond = 11.0 / VisitGapSeconds;

    private static readonly string[] ExternalReferers =
        ["", "", "https://mail.google.com/", "https://outlook.office.com/", "https://web.whatsapp.com/", "https://teams.microsoft.com/"];

    private readonly string _agent;
    private readonly string _token;

    public PublicShareVisitor(IpKey ip, Random random, SimulationContext context) : base(ip, random, context)
    {
        _agent = Pick(NextcloudVocabulary.BrowserAgents);
        _token = ShareToken(random);
    }

    protected override double InitialSpreadSeconds => VisitGapSeconds;

    protected override long PlanActivity(long atMs)
    {
        var share = "/s/" + _token;
        // Expired or deleted links are a normal share of public traffic.
        if (Chance(0.03))
        {
            Send(atMs, Request("GET", share, 404, AroundBytes(6_000), LatencyMs(60), ""));
            return atMs + Context.ExponentialGapMs(Random, VisitGapSeconds, atMs);
        }

        // The link was clicked somewhere else; inside the share page Nextcloud's no-referrer policy applies.
        Send(atMs, Request("GET", share, 200, AroundBytes(21_000), LatencyMs(150), Pick(ExternalReferers)));
        var version = Random.AssetVersion();
        var t = After(atMs, 250);
        for (var i = 0; i < 8; i++)
        {
            var (path, bytes) = Pick(NextcloudVocabulary.WebAssets);
            Send(t, Request("GET", path + (path.Contains('?') ? "&v=" : "?v=") + version, 200, bytes, LatencyMs(8), ""));
            t = After(t, 40);
        }
        var download = $"{share}/download?path=%2F&files={Random.NextFileName()}";
        Send(After(t, 4_000), Request("GET", download, 200, AroundBytes(2_400_000), LatencyMs(1_800), ""));
        return atMs + Context.ExponentialGapMs(Random, VisitGapSeconds, atMs);
    }

    internal static string ShareToken(Random random)
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(15, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }

    private SimulatedRequest Request(string method, string uri, int status, long bytes, int latencyMs, string referer) =>
        new(method, uri, status, bytes, latencyMs, _agent, referer, "HTTP/2.0");
}

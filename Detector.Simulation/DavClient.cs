using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A CalDAV/CardDAV client (DAVx5, Thunderbird, Apple Calendar): every ~5 minutes it PROPFINDs the
/// calendar and address-book homes and REPORTs on each collection; sometimes it uploads an event.
/// </summary>
internal sealed class DavClient : BenignClient
{
    private const double SyncSeconds = 300;
    public const double NominalRatePerSecond = 5.1 / SyncSeconds;

    private readonly string _user;
    private readonly string _agent;

    public DavClient(IpKey ip, Random random, SimulationContext context) : base(ip, random, context)
    {
        _user = random.NextUserName();
        _agent = Pick(NextcloudVocabulary.DavAgents);
    }

    /// <summary>DAVx5 and iOS sync in the background around the clock; Thunderbird and macOS only while the computer is on.</summary>
    public bool RunsInBackground => _agent.StartsWith("DAVx5", StringComparison.Ordinal) || _agent.StartsWith("iOS", StringComparison.Ordinal);

    protected override double InitialSpreadSeconds => SyncSeconds;

    protected override long PlanActivity(long atMs)
    {
        var calendars = $"/remote.php/dav/calendars/{_user}/";
        var books = $"/remote.php/dav/addressbooks/users/{_user}/";
        // A changed password leaves the client failing every sync until someone fixes it.
        if (Chance(0.01))
        {
            Send(atMs, Request("PROPFIND", calendars, 401, 569, LatencyMs(30)));
            return atMs + Context.PeriodMs(Random, SyncSeconds, atMs);
        }

        Send(atMs, Request("PROPFIND", calendars, 207, AroundBytes(5_200), LatencyMs(70)));
        var t = After(atMs, 150);
        Send(t, Request("REPORT", calendars + "personal/", 207, AroundBytes(3_000), LatencyMs(90)));
        t = After(t, 150);
        Send(t, Request("REPORT", calendars + "contact_birthdays/", 207, AroundBytes(800), LatencyMs(60)));
        t = After(t, 150);
        Send(t, Request("PROPFIND", books, 207, AroundBytes(2_600), LatencyMs(60)));
        t = After(t, 150);
        Send(t, Request("REPORT", books + "contacts/", 207, AroundBytes(4_100), LatencyMs(85)));
        if (Chance(0.1))
        {
            var eventUri = $"{calendars}personal/{Random.Next():x8}-{Random.Next(0x1000, 0xFFFF):x4}-{Random.Next(0x1000, 0xFFFF):x4}.ics";
            Send(After(t, 400), Request("PUT", eventUri, Chance(0.7) ? 201 : 204, 0, LatencyMs(120)));
        }
        return atMs + Context.PeriodMs(Random, SyncSeconds, atMs);
    }

    private SimulatedRequest Request(string method, string uri, int status, long bytes, int latencyMs) =>
        new(method, uri, status, bytes, latencyMs, _agent, "", "HTTP/1.1");
}

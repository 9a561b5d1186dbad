using System.Globalization;

namespace Detector.Simulation;

/// <summary>
/// Request scripts for the labelled scenarios: shapes the steady client profiles do not produce on their own
/// (a ramping attacker, credential stuffing, a flash crowd visit, a sync client catching up, a revoked password).
/// </summary>
internal static class Scripts
{
    private const string StufferAgent = "python-requests/2.31.0";

    /// <summary>An attacker whose rate grows linearly from <paramref name="fromRate"/> to <paramref name="toRate"/> req/s.</summary>
    public static IEnumerable<(long, SimulatedRequest)> Ramp(Random random, long startMs, TimeSpan duration,
        double fromRate, double toRate, string pathPattern)
    {
        var agent = NextcloudVocabulary.BrowserAgents[random.Next(NextcloudVocabulary.BrowserAgents.Length)];
        var lengthMs = duration.TotalMilliseconds;
        for (double t = 0; t < lengthMs;)
        {
            var rate = fromRate + (toRate - fromRate) * t / lengthMs;
            var uri = pathPattern.Replace("{n}", random.Next(0, 1_000_000).ToString(CultureInfo.InvariantCulture));
            yield return (startMs + (long)t, new SimulatedRequest("GET", uri, 200, Around(random, 7_800), 25, agent, "", "HTTP/1.1"));
            t += 1000 / rate * (0.6 + 0.8 * random.NextDouble());
        }
    }

    /// <summary>Credential stuffing: leaked user/password pairs tried over WebDAV Basic auth; nearly all 401, a rare hit 207.</summary>
    public static IEnumerable<(long, SimulatedRequest)> CredentialStuffing(Random random, long startMs, TimeSpan duration, double ratePerSecond)
    {
        var count = (long)(duration.TotalSeconds * ratePerSecond);
        var slotMs = 1000 / ratePerSecond;
        for (long i = 0; i < count; i++)
        {
            var hit = random.NextDouble() < 0.01;
            var uri = $"/remote.php/dav/files/{random.NextUserName()}/";
            yield return (startMs + (long)((i + random.NextDouble()) * slotMs),
                new SimulatedRequest("PROPFIND", uri, hit ? 207 : 401, hit ? 1_200 : 569, 150, StufferAgent, "", "HTTP/1.1"));
        }
    }

    /// <summary>One visitor of a public share link that went viral: the share page, its assets, the download.</summary>
    public static IEnumerable<(long, SimulatedRequest)> ShareVisit(Random random, long atMs, string token)
    {
        var agent = NextcloudVocabulary.BrowserAgents[random.Next(NextcloudVocabulary.BrowserAgents.Length)];
        string[] referers = ["https://t.co/", "https://www.reddit.com/", "https://news.ycombinator.com/", "", "https://mastodon.social/"];
        var share = "/s/" + token;
        var t = atMs;
        yield return (t, new SimulatedRequest("GET", share, 200, Around(random, 21_000), 150, agent, referers[random.Next(referers.Length)], "HTTP/2.0"));
        for (var i = 0; i < 8; i++)
        {
            t += 20 + random.Next(60);
            var (path, bytes) = NextcloudVocabulary.WebAssets[random.Next(NextcloudVocabulary.WebAssets.Length)];
            // Most visitors are new: assets come fresh, a few from cache.
            var status = random.NextDouble() < 0.85 ? 200 : 304;
            yield return (t, new SimulatedRequest("GET", path + "?v=0a1b2c3d-7", status, status == 304 ? 0 : bytes, 8, agent, "", "HTTP/2.0"));
        }
        if (random.NextDouble() < 0.7)
            yield return (t + 2_000 + random.Next(6_000), new SimulatedRequest("GET", $"{share}/download", 200, Around(random, 4_800_000), 2_500, agent, "", "HTTP/2.0"));
    }

    /// <summary>
    /// A desktop client back after a weekend: it walks the changed folders (PROPFIND Depth 1) and downloads or
    /// uploads their files over up to six parallel connections, then returns to 30 s polling.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> SyncCatchUp(Random random, long startMs, int files, TimeSpan pollAfter)
    {
        var user = random.NextUserName();
        var agent = NextcloudVocabulary.DesktopSyncAgents[random.Next(NextcloudVocabulary.DesktopSyncAgents.Length)];
        var root = $"/remote.php/dav/files/{user}/";
        var t = startMs;
        yield return (t, Sync("PROPFIND", root, 207, Around(random, 1_200)));
        yield return (t += 80, Sync("GET", "/ocs/v2.php/cloud/capabilities?format=json", 200, Around(random, 4_000)));
        var done = 0;
        while (done < files)
        {
            var folder = $"{root}{random.NextFolder()}/";
            yield return (t += 50 + random.Next(150), Sync("PROPFIND", folder, 207, Around(random, 12_000)));
            var inFolder = Math.Min(files - done, 5 + random.Next(40));
            for (var i = 0; i < inFolder; i++, done++)
            {
                // Six connections in parallel: small files go back to back, a large one holds its connection for a while.
                t += random.NextDouble() < 0.05 ? 2_000 + random.Next(6_000) : 20 + random.Next(160);
                var file = $"{folder}{random.Next(100_000):D6}-{random.NextFileName()}";
                if (random.NextDouble() < 0.7) yield return (t, Sync("GET", file, 200, Around(random, 300_000)));
                else yield return (t, Sync("PUT", file, random.NextDouble() < 0.5 ? 201 : 204, 0));
            }
        }
        var endMs = t + (long)pollAfter.TotalMilliseconds;
        for (t += 30_000; t < endMs; t += 27_000 + random.Next(6_000))
            yield return (t, Sync("PROPFIND", root, 207, Around(random, 1_200)));

        SimulatedRequest Sync(string method, string uri, int status, long bytes) =>
            new(method, uri, status, bytes, 60, agent, "", "HTTP/2.0");
    }

    /// <summary>A client whose app password was revoked: it keeps retrying its poll and gets 401 each time.</summary>
    public static IEnumerable<(long, SimulatedRequest)> RevokedAppPassword(Random random, long startMs, TimeSpan duration, double retriesPerMinute)
    {
        var user = random.NextUserName();
        var agent = NextcloudVocabulary.DesktopSyncAgents[random.Next(NextcloudVocabulary.DesktopSyncAgents.Length)];
        var periodMs = 60_000 / retriesPerMinute;
        var endMs = startMs + (long)duration.TotalMilliseconds;
        for (double t = startMs; t < endMs; t += periodMs * (0.8 + 0.4 * random.NextDouble()))
        {
            yield return ((long)t, new SimulatedRequest("PROPFIND", $"/remote.php/dav/files/{user}/", 401, 569, 30, agent, "", "HTTP/2.0"));
            if (random.NextDouble() < 0.3)
                yield return ((long)t + 150, new SimulatedRequest("GET", "/ocs/v2.php/cloud/user?format=json", 401, 312, 20, agent, "", "HTTP/2.0"));
        }
    }

    /// <summary>A page load at night: <paramref name="requests"/> asset GETs over <paramref name="spread"/>.</summary>
    public static IEnumerable<(long, SimulatedRequest)> PageLoadBurst(Random random, long atMs, int requests, TimeSpan spread)
    {
        var agent = NextcloudVocabulary.BrowserAgents[random.Next(NextcloudVocabulary.BrowserAgents.Length)];
        yield return (atMs, new SimulatedRequest("GET", "/apps/files/", 200, 24_000, 180, agent, "", "HTTP/2.0"));
        for (var i = 1; i < requests; i++)
        {
            var (path, bytes) = NextcloudVocabulary.WebAssets[random.Next(NextcloudVocabulary.WebAssets.Length)];
            yield return (atMs + (long)(spread.TotalMilliseconds * i / requests), new SimulatedRequest("GET", path, 200, bytes, 8, agent, "", "HTTP/2.0"));
        }
    }

    private static long Around(Random random, long typical) => (long)(typical * (0.7 + 0.6 * random.NextDouble()));
}

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
    public static IEnumerable<(long, SimulatedRequest)> ShareVisit(Random random, long atMs, string token) =>
        ShareVisit(random, atMs, token, gallery: false);

    /// <summary>
    /// One new visitor of a public share link, like a browser: the share page (from a social referer), a burst of
    /// assets, the sharing API call, for a gallery some previews, and often the download.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> ShareVisit(Random random, long atMs, string token, bool gallery)
    {
        var agent = NextcloudVocabulary.BrowserAgents[random.Next(NextcloudVocabulary.BrowserAgents.Length)];
        string[] referers = ["https://t.co/", "https://www.reddit.com/", "https://news.ycombinator.com/", "", "https://mastodon.social/", "https://www.facebook.com/"];
        var share = "/s/" + token;
        var t = atMs;
        yield return (t, new SimulatedRequest("GET", share, 200, Around(random, 21_000), 150, agent, referers[random.Next(referers.Length)], "HTTP/2.0"));
        var assets = gallery ? 10 + random.Next(8) : 8;
        for (var i = 0; i < assets; i++)
        {
            t += 20 + random.Next(60);
            var (path, bytes) = NextcloudVocabulary.WebAssets[random.Next(NextcloudVocabulary.WebAssets.Length)];
            // Most visitors are new: assets come fresh, a few from cache.
            var status = random.NextDouble() < 0.85 ? 200 : 304;
            yield return (t, new SimulatedRequest("GET", path + "?v=0a1b2c3d-7", status, status == 304 ? 0 : bytes, 8, agent, "", "HTTP/2.0"));
        }
        if (gallery)
        {
            t += 100 + random.Next(300);
            yield return (t, new SimulatedRequest("PROPFIND", "/public.php/dav/files/" + token + "/", 207, Around(random, 18_000), 120, agent, "", "HTTP/2.0"));
            var previews = 4 + random.Next(16);
            for (var i = 0; i < previews; i++)
            {
                t += 40 + random.Next(random.NextDouble() < 0.2 ? 4_000 : 200);
                var uri = $"/index.php/apps/files_sharing/publicpreview/{token}?file=/IMG_{random.Next(1000, 9999)}.jpg&x=256&y=256&a=true";
                yield return (t, new SimulatedRequest("GET", uri, 200, Around(random, 24_000), 60, agent, "", "HTTP/2.0"));
            }
        }
        if (random.NextDouble() < 0.7)
            yield return (t + 2_000 + random.Next(6_000), new SimulatedRequest("GET", $"{share}/download", 200, Around(random, 4_800_000), 2_500, agent, "", "HTTP/2.0"));
    }

    /// <summary>
    /// A desktop client back after a weekend: it walks the changed folders (PROPFIND Depth 1) and downloads or
    /// uploads their files over up to six parallel connections, then returns to 30 s polling.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> SyncCatchUp(Random random, long startMs, int files, TimeSpan pollAfter) =>
        SyncCatchUp(random, startMs, files, pollAfter, ratePerSecond: 10);

    /// <summary>The catch-up at about <paramref name="ratePerSecond"/> while transferring (six connections, small files back to back).</summary>
    public static IEnumerable<(long, SimulatedRequest)> SyncCatchUp(Random random, long startMs, int files, TimeSpan pollAfter, double ratePerSecond)
    {
        // Per file: the gap, and 2% of the time a large file holding up the queue for 1–4 s (2.5 s on average).
        var meanGapMs = Math.Max(10, 1000 / ratePerSecond - 0.02 * 2_500);
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
                t += (long)(meanGapMs * (0.2 + 1.6 * random.NextDouble())) + (random.NextDouble() < 0.02 ? 1_000 + random.Next(3_000) : 0);
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

    /// <summary>
    /// A desktop client uploading a photo folder: <paramref name="parallel"/> transfers at once, together about
    /// <paramref name="ratePerSecond"/>. JPEGs go as one PUT; RAW files and videos with chunked upload v2: MKCOL
    /// /remote.php/dav/uploads/&lt;user&gt;/&lt;transfer id&gt;, PUT of numbered chunks (8 digits, from 1), MOVE of
    /// <c>.file</c> to the target path.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> BulkUpload(Random random, long startMs, TimeSpan duration, double ratePerSecond, int parallel)
    {
        var user = random.NextUserName();
        var agent = NextcloudVocabulary.DesktopSyncAgents[random.Next(NextcloudVocabulary.DesktopSyncAgents.Length)];
        var folder = $"/remote.php/dav/files/{user}/Photos/2026/{UploadFolders[random.Next(UploadFolders.Length)]}";
        var endMs = startMs + (long)duration.TotalMilliseconds;
        var slotGapMs = 1000.0 * parallel / ratePerSecond;
        yield return (startMs, Upload("PROPFIND", folder + "/", 404, 240, 40));
        yield return (startMs + 120, Upload("MKCOL", folder, 201, 0, 80));

        var slots = new IEnumerator<(long, SimulatedRequest)>[parallel];
        var next = new (long At, SimulatedRequest Request)?[parallel];
        for (var i = 0; i < parallel; i++)
        {
            slots[i] = Slot(new Random(random.Next()), startMs + 300 + random.Next(400)).GetEnumerator();
            next[i] = slots[i].MoveNext() ? slots[i].Current : null;
        }
        while (true)
        {
            var best = -1;
            for (var i = 0; i < parallel; i++)
                if (next[i] is { } n && n.At < endMs && (best < 0 || n.At < next[best]!.Value.At)) best = i;
            if (best < 0) break;
            yield return next[best]!.Value;
            next[best] = slots[best].MoveNext() ? slots[best].Current : null;
        }
        yield return (endMs + 500, Upload("PROPFIND", folder + "/", 207, Around(random, 60_000), 300));

        IEnumerable<(long, SimulatedRequest)> Slot(Random r, long t)
        {
            var photo = r.Next(1000, 9000);
            while (true)
            {
                var kind = r.NextDouble();
                var name = kind < 0.55 ? $"IMG_{photo++:D4}.JPG" : kind < 0.9 ? $"DSC{photo++:D5}.ARW" : $"VID_2026{r.Next(101, 1231):D4}_{r.Next(0, 235959):D6}.mp4";
                var megabytes = kind < 0.55 ? 2 + r.Next(7) : kind < 0.9 ? 20 + r.Next(41) : 60 + r.Next(340);
                var target = $"{folder}/{name}";
                if (megabytes < 10)
                {
                    yield return (t += Gap(r), Upload("PUT", target, 201, 0, (int)(slotGapMs * 0.8)));
                    continue;
                }
                var transfer = $"/remote.php/dav/uploads/{user}/{(uint)r.Next() | 0x4000_0000u}";
                yield return (t += Gap(r) / 4, Upload("MKCOL", transfer, 201, 0, 40));
                var chunks = (megabytes + 9) / 10;
                for (var c = 1; c <= chunks; c++)
                    yield return (t += Gap(r), Upload("PUT", $"{transfer}/{c:D8}", 201, 0, (int)(slotGapMs * 0.8)));
                yield return (t += Gap(r) / 2, Upload("MOVE", transfer + "/.file", r.NextDouble() < 0.95 ? 201 : 204, 0, 300 + r.Next(1_500)));
            }
        }

        long Gap(Random r) => Math.Max(20, (long)(slotGapMs * (0.5 + r.NextDouble())));

        SimulatedRequest Upload(string method, string uri, int status, long bytes, int latencyMs) =>
            new(method, uri, status, bytes, latencyMs, agent, "", "HTTP/2.0");
    }

    private static readonly string[] UploadFolders = ["Holiday%20Portugal", "Wedding%20Anna%20%26%20Ben", "Team%20Offsite", "Garden", "Kids%20Birthday"];

    /// <summary>
    /// An application-layer flood on the entry pages: GET /login and / (200), now and then the login POST (303) or the
    /// login page's CSS, at a steady <paramref name="ratePerSecond"/> with jitter, one agent.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> LoginPageFlood(Random random, long startMs, TimeSpan duration, double ratePerSecond, string agent)
    {
        var count = (long)(duration.TotalSeconds * ratePerSecond);
        var slotMs = 1000 / ratePerSecond;
        for (long i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var request = roll < 0.55 ? new SimulatedRequest("GET", "/login", 200, Around(random, 9_500), 90, agent, "", "HTTP/1.1")
                : roll < 0.85 ? new SimulatedRequest("GET", "/", 200, Around(random, 9_400), 110, agent, "", "HTTP/1.1")
                : roll < 0.95 ? new SimulatedRequest("POST", "/login", 303, 0, 300, agent, "", "HTTP/1.1")
                : new SimulatedRequest("GET", "/core/css/guest.css?v=" + (7000 + random.Next(50)), 200, 14_221, 6, agent, "", "HTTP/1.1");
            yield return (startMs + (long)((i + 0.2 + 0.6 * random.NextDouble()) * slotMs), request);
        }
    }

    private static readonly string[] StufferAgents =
    [
        "python-requests/2.31.0", "python-requests/2.32.3", "Go-http-client/1.1", "curl/7.88.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Linux) mirall/3.9.0 (Nextcloud, ubuntu-22.04 ClientArchitecture: x86_64 OsArchitecture: x86_64)",
        "okhttp/4.9.3",
    ];

    /// <summary>
    /// One address of a low-and-slow stuffing botnet: a leaked pair every <paramref name="minPeriod"/>–
    /// <paramref name="maxPeriod"/> over WebDAV or OCS Basic auth, answered 401 — or 429 once the brute-force throttle
    /// has seen enough failures from the address.
    /// </summary>
    public static IEnumerable<(long, SimulatedRequest)> SlowStuffing(Random random, long startMs, TimeSpan duration, TimeSpan minPeriod, TimeSpan maxPeriod)
    {
        var agent = StufferAgents[random.Next(StufferAgents.Length)];
        var endMs = startMs + (long)duration.TotalMilliseconds;
        var throttleAfter = 8 + random.Next(20);
        var attempts = 0;
        for (var t = startMs + (long)(random.NextDouble() * maxPeriod.TotalMilliseconds); t < endMs;
             t += (long)(minPeriod.TotalMilliseconds + random.NextDouble() * (maxPeriod - minPeriod).TotalMilliseconds))
        {
            var throttled = ++attempts > throttleAfter && random.NextDouble() < 0.35;
            var status = throttled ? 429 : 401;
            yield return (t, random.NextDouble() < 0.7
                ? new SimulatedRequest("PROPFIND", $"/remote.php/dav/files/{random.NextUserName()}/", status, throttled ? 233 : 569, throttled ? 25 : 180, agent, "", "HTTP/1.1")
                : new SimulatedRequest("GET", "/ocs/v2.php/cloud/user?format=json", status, throttled ? 233 : 312, throttled ? 25 : 180, agent, "", "HTTP/1.1"));
        }
    }

    private static long Around(Random random, long typical) => (long)(typical * (0.7 + 0.6 * random.NextDouble()));
}

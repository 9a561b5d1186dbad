using System.Globalization;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation.Scenarios;

/// <summary>
/// The families of labelled situations Detector is judged on — attacks it must ban and benign crowds it must spare —
/// each drawing its parameters by seed: site size and client mix, the site's time zone (the log is UTC, so the local
/// morning falls at different UTC hours), weekday or weekend, the shape of its day, start times, attack rates and
/// timing, addresses. Tune on <see cref="TuningSeeds"/>; report on <see cref="FirstReportingSeed"/> and above.
/// Every draw starts early enough that the baseline is warm (at least 15 minutes) before its situation begins, and
/// stays below ~300k lines.
/// </summary>
public static class ScenarioCatalog
{
    /// <summary>Seeds the rules may be tuned on (the CI set is drawn from these).</summary>
    public static readonly (int First, int Last) TuningSeeds = (1, 99);

    /// <summary>Reports use seeds from here up, never looked at while tuning.</summary>
    public const int FirstReportingSeed = 1000;

    /// <summary>The seeds CI replays for every family (from the tuning range).</summary>
    public static readonly IReadOnlyList<int> CiSeeds = [1, 2];

    private static readonly TimeSpan FloodDeadline = TimeSpan.FromSeconds(10);
    private static readonly double[] UtcOffsets = [-8, -7, -6, -5, -4, -3, 0, 0, 1, 1, 2, 2, 3, 5.5, 8, 9, 10];
    private static readonly string[] Hosts = ["cloud.example.com", "nextcloud.example.org", "files.example.net", "drive.example.de"];

    /// <summary>An office that is already in (the l7-flood's busy neighbour): everyone present all day.</summary>
    private static readonly DayShape SteadyOffice = new(NightLevel: 1, PeakLevel: 1, LunchLevel: 1, EveningLevel: 1, WeekendPeak: 1);

    private static readonly (string Method, string Path, int Status)[] FloodTargets =
    [
        ("GET", "/login", 200), ("POST", "/login", 303), ("GET", "/", 302), ("GET", "/index.php/apps/files/?dir=/{n}", 200),
        ("PROPFIND", "/remote.php/dav/files/{user}/", 401), ("GET", "/ocs/v2.php/cloud/user?format=json", 401),
        ("GET", "/remote.php/dav/files/{user}/Documents/{n}.bin", 404),
    ];

    private static readonly string[] FloodAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
        "python-requests/2.31.0", "Go-http-client/1.1", "curl/8.5.0", "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
    ];

    private static readonly ulong[] HostingV6Prefixes = [0x2a01_04f8_0000_0000UL, 0x2a03_b0c0_0000_0000UL, 0x2604_a880_0000_0000UL, 0x2001_19f0_0000_0000UL];

    public static IReadOnlyList<ScenarioFamily> Families { get; } =
    [
        // ---------------------------------------------------------------- attacks on one address
        new("single-ip-flood", ScenarioKind.Attack, "one address floods a page or WebDAV at 40–400 req/s for 1–4 min (ban within 10 s)", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 40));
            var length = TimeSpan.FromSeconds(d.Int("attack_s", 60, 240));
            var rate = d.Uniform("rate", 40, 400);
            var (method, path, status) = d.Pick("target", FloodTargets);
            return new LabelledScenario(d.Name(), $"{Num(rate)} req/s {method} {path} for {length.TotalSeconds:0} s on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(3), () => site.New().WithFlood(ip, at, length, rate, method, path, status),
                AlertExpectation.Allowed, BanDeadline: FloodDeadline);
        }),

        new("moderate-sustained-flood", ScenarioKind.Attack, "one address at 2–4 req/s on a web endpoint for 12–20 min", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var length = Minutes(d.Uniform("attack_min", 12, 20));
            var rate = d.Uniform("rate", 2, 4);
            var path = d.Pick("path", (string[])["/index.php/apps/files/?dir=/{n}", "/apps/dashboard/?x={n}", "/ocs/v2.php/apps/files/api/v1/views?{n}"]);
            return new LabelledScenario(d.Name(), $"{Num(rate)} req/s on {path} for {length.TotalMinutes:0} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(2), () => site.New().WithFlood(ip, at, length, rate, pathPattern: path),
                AlertExpectation.Allowed);
        }),

        new("slow-ramp", ScenarioKind.Attack, "one address ramping from ~0.1 to 8–20 req/s over 15–25 min", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var length = Minutes(d.Uniform("attack_min", 15, 25));
            var from = d.Uniform("from_rate", 0.05, 0.2);
            var to = d.Uniform("to_rate", 8, 20);
            return new LabelledScenario(d.Name(), $"{Num(from)} → {Num(to)} req/s over {length.TotalMinutes:0} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(2), () => site.New().WithRamp(ip, at, length, from, to),
                AlertExpectation.Allowed);
        }),

        new("password-spraying", ScenarioKind.Attack, "Basic-auth spraying over WebDAV/OCS, 401s at 1–3 req/s for 6–12 min", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var length = Minutes(d.Uniform("attack_min", 6, 12));
            var rate = d.Uniform("rate", 1, 3);
            return new LabelledScenario(d.Name(), $"401s at {Num(rate)} req/s for {length.TotalMinutes:0} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(2), () => site.New().WithSpraying(ip, at, length, rate),
                AlertExpectation.Allowed);
        }),

        new("credential-stuffing", ScenarioKind.Attack, "leaked pairs over WebDAV from one IPv4 or IPv6 host, 401s at 0.8–2 req/s", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = d.Chance("ipv6", 0.4) ? AttackerV6(d) : AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var length = Minutes(d.Uniform("attack_min", 6, 12));
            var rate = d.Uniform("rate", 0.8, 2);
            return new LabelledScenario(d.Name(), $"401s at {Num(rate)} req/s from {ip} for {length.TotalMinutes:0} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(2), () => site.New().WithCredentialStuffing(ip, at, length, rate),
                AlertExpectation.Allowed);
        }),

        new("path-scanning", ScenarioKind.Attack, "a content scanner, 404s at 2–8 req/s for 3–6 min", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var length = Minutes(d.Uniform("attack_min", 3, 6));
            var rate = d.Uniform("rate", 2, 8);
            return new LabelledScenario(d.Name(), $"404s at {Num(rate)} req/s for {length.TotalMinutes:0} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(2), () => site.New().WithScanning(ip, at, length, rate),
                AlertExpectation.Allowed);
        }),

        new("ipv6-rotating-flood", ScenarioKind.Attack, "an IPv6 flooder hopping to a new address of its /64 every 20–60 s at 30–80 req/s", d =>
        {
            var site = DrawSite(d, 60, 600, 0, 24, Days.Any);
            var prefix = AttackerV6(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 30));
            var hops = d.Int("hops", 6, 10);
            var hop = TimeSpan.FromSeconds(d.Int("hop_s", 20, 60));
            var rate = d.Uniform("rate", 30, 80);
            var addresses = Enumerable.Range(0, hops).Select(_ => new IpKey(prefix.High, (ulong)d.Random.NextInt64())).ToList();
            return new LabelledScenario(d.Name(), $"{hops} addresses × {hop.TotalSeconds:0} s at {Num(rate)} req/s on {site.Describe()}", ScenarioKind.Attack,
                at + hop * hops + Minutes(2), () =>
                {
                    var traffic = site.New();
                    for (var i = 0; i < addresses.Count; i++) traffic.WithFlood(addresses[i], at + hop * i, hop, rate);
                    return traffic;
                },
                AlertExpectation.Allowed, BanDeadline: FloodDeadline);
        }),

        new("repeat-offender", ScenarioKind.Attack, "a 60–200 req/s one-minute flood returning a minute after each unban (10 min, 30 min, 2 h)", d =>
        {
            var site = DrawSite(d, 40, 120, 0, 24, Days.Any);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 15, 25));
            var rate = d.Uniform("rate", 60, 200);
            var path = d.Pick("target", FloodTargets);
            var end = at + Minutes(10 + 1 + 30 + 1 + 120 + 1 + 3);
            return new LabelledScenario(d.Name(), $"{Num(rate)} req/s {path.Method} {path.Path}, back after each unban, on {site.Describe()}", ScenarioKind.Attack,
                end, () =>
                {
                    var traffic = site.New();
                    var t = at;
                    foreach (var ban in new[] { 10, 30, 120, 0 })
                    {
                        traffic.WithFlood(ip, t, TimeSpan.FromMinutes(1), rate, path.Method, path.Path, path.Status);
                        t += Minutes(ban + 1);
                    }
                    return traffic;
                },
                AlertExpectation.Allowed, BanDeadline: FloodDeadline, RepeatOffender: ip);
        }),

        new("l7-flood", ScenarioKind.Attack,
            "one address hammering /login and / at ~10× an average client's rate (0.5–2 req/s), below a busy benign address, for 12–18 min", d =>
        {
            var site = DrawSite(d, 150, 600, 8, 17, Days.Weekday);
            var ip = AttackerV4(d);
            var at = Minutes(d.Uniform("attack_at_min", 20, 30));
            var length = Minutes(d.Uniform("attack_min", 12, 18));
            var rate = d.Uniform("rate", 0.5, 2.0);
            var agent = d.Pick("agent", FloodAgents);
            var busy = BenignAddress(d);
            var busyKind = d.Pick("busy_benign", (string[])["office", "catch-up", "upload"]);
            var busyRate = d.Uniform("busy_rate", Math.Max(4, rate * 2), 14);
            return new LabelledScenario(d.Name(), $"{Num(rate)} req/s on /login and / ({Short(agent)}) beside a {busyKind} at ~{Num(busyRate)} req/s on {site.Describe()}",
                ScenarioKind.Attack, at + length + Minutes(2), () =>
                {
                    var traffic = site.New().WithLoginPageFlood(ip, at, length, rate, agent);
                    return busyKind switch
                    {
                        "office" => traffic.WithOffice(busy, people: (int)(busyRate / 0.1), busyRate, SteadyOffice),
                        "catch-up" => traffic.WithSyncCatchUp(busy, at - Minutes(5), (int)(busyRate * 60 * 25), Minutes(5), busyRate),
                        _ => traffic.WithBulkUpload(busy, at - Minutes(3), length + Minutes(4), busyRate),
                    };
                },
                AlertExpectation.Allowed);
        }),

        // ---------------------------------------------------------------- attacks from many addresses
        new("distributed-attack", ScenarioKind.Attack, "150–400 addresses at 1.5–3 req/s each on /login for 4–9 min: a surge (GLOBAL alert required)", d =>
        {
            var site = DrawSite(d, 100, 600, 0, 24, Days.Any);
            var at = Minutes(d.Uniform("attack_at_min", 15, 25));
            var bots = d.Int("bots", 150, 400);
            var rate = d.Uniform("rate", 1.5, 3);
            // At most ~200k attack lines.
            var length = Minutes(Math.Min(d.Uniform("attack_min", 4, 9), 200_000 / (bots * rate * 60)));
            var addresses = Enumerable.Range(0, bots).Select(_ => AttackerV4(d)).Distinct().ToList();
            var joins = addresses.Select(_ => TimeSpan.FromMilliseconds(d.Random.Next(60_000))).ToList();
            return new LabelledScenario(d.Name(), $"{bots} bots × {Num(rate)} req/s for {length.TotalMinutes:0.#} min on {site.Describe()}", ScenarioKind.Attack,
                at + length + Minutes(3), () =>
                {
                    var traffic = site.New();
                    for (var i = 0; i < addresses.Count; i++) traffic.WithFlood(addresses[i], at + joins[i], length, rate);
                    return traffic;
                },
                AlertExpectation.Required);
        }),

        new("low-slow-stuffing", ScenarioKind.Attack,
            "40–90 addresses, one login attempt each every 20–40 s (401, some 429), 25–40 min: a GLOBAL alert naming auth failures is required", d =>
        {
            var site = DrawSite(d, 80, 500, 0, 24, Days.Any);
            var at = Minutes(d.Uniform("attack_at_min", 30, 40));
            var bots = d.Int("addresses", 40, 90);
            var minPeriod = TimeSpan.FromSeconds(d.Uniform("min_period_s", 15, 25));
            var maxPeriod = TimeSpan.FromSeconds(d.Uniform("max_period_s", 30, 45));
            var length = Minutes(d.Uniform("attack_min", 25, 40));
            var join = Minutes(d.Uniform("join_min", 1, 6));
            var addresses = Enumerable.Range(0, bots).Select(_ => d.Random.NextDouble() < 0.15 ? AttackerV6(d) : AttackerV4(d)).Distinct().ToList();
            return new LabelledScenario(d.Name(), $"{bots} addresses × 1 try per {minPeriod.TotalSeconds:0}–{maxPeriod.TotalSeconds:0} s for {length.TotalMinutes:0} min on {site.Describe()}",
                ScenarioKind.Attack, at + length + Minutes(3),
                () => site.New().WithLowAndSlowStuffing(addresses, at, length, minPeriod, maxPeriod, join),
                AlertExpectation.Required, AlertCause: "auth");
        }),

        // ---------------------------------------------------------------- benign
        new("morning-ramp", ScenarioKind.Benign, "a weekday morning: traffic doubles within 20–30 min as people start work (no alert, no ban)", d =>
        {
            var shape = DrawDay(d, morningRamp: (0.6, 1.3));
            var site = DrawSite(d, 150, 800, shape.MorningStart - d.Uniform("warm_h", 1.5, 2.5), shape.MorningStart - 1.25, Days.Weekday, shape);
            var end = site.UntilLocal(shape.MorningStart + shape.MorningRamp + 0.75);
            return new LabelledScenario(d.Name(), $"ramp from {Hour(shape.MorningStart)} over {shape.MorningRamp * 60:0} min local on {site.Describe()}",
                ScenarioKind.Benign, end, () => site.New());
        }),

        new("flash-crowd", ScenarioKind.Benign, "a public share link goes viral: 200–2,000 new visitors in 8–30 min (alert allowed, should name new clients)", d =>
        {
            var site = DrawSite(d, 100, 500, 9, 20, Days.Any);
            var at = Minutes(d.Uniform("crowd_at_min", 15, 25));
            var visitors = d.Int("visitors", 200, 2000);
            var length = Minutes(d.Uniform("crowd_min", 8, 30));
            var rise = d.Uniform("rise_share", 0, 0.3);
            var decay = d.Uniform("decay", 1.5, 4);
            var gallery = d.Chance("gallery", 0.5);
            return new LabelledScenario(d.Name(), $"{visitors} visitors of a {(gallery ? "photo gallery" : "file")} share over {length.TotalMinutes:0} min on {site.Describe()}",
                ScenarioKind.Benign, at + length + Minutes(3),
                () => site.New().WithFlashCrowd(at, length, visitors, rise, decay, gallery),
                AlertExpectation.Allowed, AlertCause: "new");
        }),

        new("bulk-upload", ScenarioKind.Benign, "a desktop client uploads a photo folder: 4–8 parallel transfers (chunked v2) at 8–15 req/s for 8–15 min", d =>
        {
            var site = DrawSite(d, 100, 500, 8, 21, Days.Any);
            var ip = BenignAddress(d);
            var at = Minutes(d.Uniform("upload_at_min", 15, 25));
            var length = Minutes(d.Uniform("upload_min", 8, 15));
            var rate = d.Uniform("rate", 8, 15);
            var parallel = d.Pick("parallel", (int[])[6, 6, 6, 4, 8]);
            return new LabelledScenario(d.Name(), $"{parallel} transfers at {Num(rate)} req/s for {length.TotalMinutes:0} min on {site.Describe()}",
                ScenarioKind.Benign, at + length + Minutes(3), () => site.New().WithBulkUpload(ip, at, length, rate, parallel));
        }),

        new("office-nat-morning", ScenarioKind.Benign, "80–200 people behind one NAT address arriving 07:00–10:00, 10–20 req/s at peak, many agents", d =>
        {
            var shape = DrawDay(d, morningRamp: (0.75, 1.5));
            var site = DrawSite(d, 80, 400, 5, 6, Days.Weekday, shape);
            var ip = BenignAddress(d);
            var people = d.Int("people", 80, 200);
            var peak = d.Uniform("peak_rate", 10, 20);
            var arrivals = new DayShape(NightLevel: 0, MorningStart: d.Uniform("arrive_from", 6.75, 7.25), MorningRamp: d.Uniform("arrive_h", 2.5, 3.2),
                PeakLevel: 1, LunchStart: 12.5, EveningStart: 17, EveningLevel: 0.05);
            var end = site.UntilLocal(arrivals.MorningStart + arrivals.MorningRamp + 0.5);
            return new LabelledScenario(d.Name(), $"{people} people, {Num(peak)} req/s at peak, arriving {Hour(arrivals.MorningStart)}–{Hour(arrivals.MorningStart + arrivals.MorningRamp)} on {site.Describe()}",
                ScenarioKind.Benign, end, () => site.New().WithOffice(ip, people, peak, arrivals));
        }),

        new("sync-catch-up", ScenarioKind.Benign, "a desktop client back after a week offline: 2,000–12,000 files at 5–15 req/s from one address, one agent", d =>
        {
            var site = DrawSite(d, 100, 500, 7, 20, Days.Any);
            var ip = BenignAddress(d);
            var at = Minutes(d.Uniform("sync_at_min", 15, 25));
            var files = d.Int("files", 2000, 12000);
            var rate = d.Uniform("rate", 5, 15);
            var length = Minutes(files / rate / 60 * 1.15);
            return new LabelledScenario(d.Name(), $"{files} files at ~{Num(rate)} req/s on {site.Describe()}",
                ScenarioKind.Benign, at + length + Minutes(4), () => site.New().WithSyncCatchUp(ip, at, files, Minutes(10), rate));
        }),

        new("office-nat", ScenarioKind.Benign, "40–120 busy users (browsers, sync clients, phones) behind one address at mid-day", d =>
        {
            var site = DrawSite(d, 100, 500, 9.5, 15, Days.Weekday);
            var ip = BenignAddress(d);
            var users = d.Int("users", 40, 120);
            var activity = d.Uniform("activity", 1, 3);
            return new LabelledScenario(d.Name(), $"{users} users × activity {Num(activity)} behind {ip} on {site.Describe()}",
                ScenarioKind.Benign, Minutes(d.Uniform("minutes", 25, 40)), () => site.New().WithSharedAddress(ip, SharedAddressKind.Office, users, activity));
        }),

        new("quiet-night", ScenarioKind.Benign, "a few clients at night and one page load of 40–120 requests in a few seconds", d =>
        {
            var site = DrawSite(d, 40, 300, 0.5, 3.5, Days.Any);
            var ip = BenignAddress(d);
            var at = Minutes(d.Uniform("burst_at_min", 15, 25));
            var requests = d.Int("requests", 40, 120);
            var spread = TimeSpan.FromSeconds(d.Uniform("spread_s", 2, 6));
            return new LabelledScenario(d.Name(), $"{requests} requests in {spread.TotalSeconds:0.#} s on {site.Describe()}",
                ScenarioKind.Benign, at + Minutes(10), () => site.New().WithPageLoadBurst(ip, at, requests, spread));
        }),

        new("mobile-cgnat", ScenarioKind.Benign, "2–4 carrier-grade NAT addresses, 20–80 phones each", d =>
        {
            var site = DrawSite(d, 100, 500, 7, 23, Days.Any);
            var count = d.Int("addresses", 2, 4);
            var phones = d.Int("phones", 20, 80);
            var activity = d.Uniform("activity", 1, 3);
            var addresses = Enumerable.Range(0, count).Select(i => i % 3 == 2
                ? new IpKey(0x2a02_0810_aa00_0000UL | (uint)d.Random.Next(1 << 16), 1)
                : IpKey.FromV4(0x6440_0000u + (uint)d.Random.Next(1 << 22))).ToList(); // 100.64.0.0/10
            return new LabelledScenario(d.Name(), $"{count} addresses × {phones} phones × activity {Num(activity)} on {site.Describe()}",
                ScenarioKind.Benign, Minutes(d.Uniform("minutes", 25, 40)), () =>
                {
                    var traffic = site.New();
                    foreach (var ip in addresses) traffic.WithSharedAddress(ip, SharedAddressKind.MobileCarrier, phones, activity);
                    return traffic;
                });
        }),

        new("revoked-app-password", ScenarioKind.Benign, "1–3 clients retrying a revoked app password 2–8 times a minute (401s)", d =>
        {
            var site = DrawSite(d, 60, 500, 0, 24, Days.Any);
            var count = d.Int("clients_retrying", 1, 3);
            var retries = Enumerable.Range(0, count).Select(i => d.Uniform($"retries_per_min_{i}", 2, 8)).ToList();
            var addresses = retries.Select(_ => BenignAddress(d)).ToList();
            return new LabelledScenario(d.Name(), $"{count} client(s) at {string.Join("/", retries.Select(Num))} retries/min on {site.Describe()}",
                ScenarioKind.Benign, Minutes(25), () =>
                {
                    var traffic = site.New();
                    for (var i = 0; i < count; i++) traffic.WithRevokedAppPassword(addresses[i], Minutes(2), Minutes(23), retries[i]);
                    return traffic;
                });
        }),
    ];

    public static ScenarioFamily Family(string name) =>
        Families.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no scenario family '{name}'", nameof(name));

    /// <summary>The scenario named "family#seed".</summary>
    public static LabelledScenario Named(string name)
    {
        var hash = name.LastIndexOf('#');
        if (hash < 0 || !int.TryParse(name.AsSpan(hash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            throw new ArgumentException($"'{name}' is not family#seed", nameof(name));
        return Family(name[..hash]).Draw(seed);
    }

    // ---------------------------------------------------------------- the site

    private enum Days { Weekday, Weekend, Any }

    /// <summary>A drawn site: its plan, when the scenario starts (UTC) and how to build its traffic.</summary>
    private sealed record SiteDraw(SitePlan Plan, DateTimeOffset Start, DateTimeOffset LocalStart, int Seed, string Host)
    {
        public TrafficScenario New() => new TrafficScenario(Seed, Start).WithHost(Host).WithSite(Plan);

        /// <summary>Time from the start to <paramref name="localHour"/> on the start's local day.</summary>
        public TimeSpan UntilLocal(double localHour) => LocalStart.Date.AddHours(localHour) - LocalStart.DateTime;

        public string Describe() =>
            $"{Plan.Clients} clients, {LocalStart:ddd HH:mm} UTC{(Plan.UtcOffset >= TimeSpan.Zero ? "+" : "-")}{Plan.UtcOffset.Duration():h\\:mm}";
    }

    private static SiteDraw DrawSite(ScenarioDraw d, int minClients, int maxClients, double fromHour, double toHour, Days days, DayShape? shape = null)
    {
        var clients = d.Int("clients", minClients, maxClients);
        var offset = TimeSpan.FromHours(d.Pick("utc_offset", UtcOffsets));
        var weekend = days switch { Days.Weekend => true, Days.Weekday => false, _ => d.Chance("weekend", 2 / 7.0) };
        var hour = d.Uniform("local_start_h", fromHour, toHour);
        var date = new DateTime(2026, 1, 5).AddDays(d.Random.Next(0, 320));
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday != weekend) date = date.AddDays(1);
        var local = new DateTimeOffset(date.AddSeconds(Math.Round(hour * 3600)), offset);
        d.Note("local_start", local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        shape ??= DrawDay(d, morningRamp: (0.75, 2.0));
        var mix = new ClientMix(
            DesktopSync: d.Uniform("mix_desktop", 0.10, 0.35), Browser: d.Uniform("mix_browser", 0.10, 0.35),
            Mobile: d.Uniform("mix_mobile", 0.20, 0.45), Dav: d.Uniform("mix_dav", 0.05, 0.20),
            PublicShare: d.Uniform("mix_share", 0.02, 0.10), Scanner: d.Uniform("mix_scanner", 0.01, 0.05));
        var plan = new SitePlan(clients, offset, shape, mix,
            Ipv6Share: d.Uniform("ipv6_share", 0.05, 0.35), Activity: d.Uniform("activity", 0.7, 1.4),
            AlwaysOnDesktops: d.Uniform("always_on_desktops", 0.1, 0.35));
        return new SiteDraw(plan, local.ToUniversalTime(), local, d.TrafficSeed, d.Pick("host", Hosts));
    }

    private static DayShape DrawDay(ScenarioDraw d, (double Min, double Max) morningRamp) => new(
        NightLevel: d.Uniform("night_level", 0.02, 0.08),
        MorningStart: d.Uniform("morning_start_h", 6.5, 8.0),
        MorningRamp: d.Uniform("morning_ramp_h", morningRamp.Min, morningRamp.Max),
        PeakLevel: d.Uniform("peak_level", 0.75, 0.95),
        LunchStart: d.Uniform("lunch_h", 11.5, 13),
        LunchHours: d.Uniform("lunch_len_h", 0.75, 1.5),
        LunchLevel: d.Uniform("lunch_level", 0.6, 0.85),
        EveningStart: d.Uniform("evening_h", 15.5, 17.5),
        EveningHours: d.Uniform("evening_len_h", 2, 4),
        EveningLevel: d.Uniform("evening_level", 0.2, 0.4),
        NightStart: d.Uniform("night_h", 21.5, 23.5),
        WeekendPeak: d.Uniform("weekend_peak", 0.15, 0.4));

    // ---------------------------------------------------------------- attackers

    private static IpKey AttackerV4(ScenarioDraw d) => ClientPopulation.RandomPublicAddress(d.Random);

    private static IpKey AttackerV6(ScenarioDraw d) =>
        new(HostingV6Prefixes[d.Random.Next(HostingV6Prefixes.Length)] | (ulong)d.Random.NextInt64(1L << 32), (ulong)d.Random.NextInt64());

    private static IpKey BenignAddress(ScenarioDraw d) => ClientPopulation.RandomPublicAddress(d.Random);

    // ---------------------------------------------------------------- text

    private static string Name(this ScenarioDraw d) => $"{d.Family}#{d.Seed}";
    private static TimeSpan Minutes(double minutes) => TimeSpan.FromSeconds(Math.Round(minutes * 60));
    private static string Num(double value) => value.ToString(value >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture);
    private static string Hour(double hour) => $"{(int)hour:00}:{(int)Math.Round(hour % 1 * 60) % 60:00}";
    private static string Short(string agent) => agent.Length > 24 ? agent[..24] + "…" : agent;
}

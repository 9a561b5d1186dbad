using System.Text;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>
/// A reproducible synthetic Nextcloud access log: a benign client population plus injected attacks,
/// written as <see cref="NginxLogFormat"/> JSON lines in time order. The same seed, start and
/// configuration always produce the same lines, and benign traffic does not change when attacks are
/// added or removed.
/// </summary>
/// <example>
/// <code>
/// var lines = new TrafficScenario(seed: 42, start: DateTimeOffset.Parse("2026-04-29T09:00:00+00:00"))
///     .WithClients(200)
///     .WithFlood(IpKey.Parse("203.0.113.9"), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2), 200)
///     .Generate(TimeSpan.FromMinutes(30));
/// </code>
/// </example>
/// <remarks>
/// The builder methods mutate and return this instance. <see cref="Generate(TimeSpan)"/> is lazy: it
/// keeps one pending event per client in a priority queue (memory O(clients), not O(lines)), so it
/// can run indefinitely. Each enumeration starts over from the seed.
/// </remarks>
public sealed class TrafficScenario
{
    private const int AttackSeedStream = 2;
    private const int ExtraBenignSeedStream = 3;
    private const int SharedAddressSeedStreamBase = 1_000;

    private readonly int _seed;
    private readonly long _startMs;
    private readonly List<Func<Random, TrafficSource>> _attacks = [];
    private readonly List<IpKey> _attackers = [];
    private readonly List<AttackLabel> _labels = [];
    private readonly List<Func<int, SimulationContext, IEnumerable<TrafficSource>>> _extraBenign = [];
    private readonly HashSet<IpKey> _reserved = [];
    private int _clients;
    private double _ipv6Share;
    private double _meanTotalRatePerSecond;
    private double _diurnalAmplitude = 0.5;
    private string _host = "cloud.example.com";
    private SitePlan? _site;

    public TrafficScenario(int seed, DateTimeOffset start)
    {
        _seed = seed;
        Start = start;
        _startMs = start.ToUnixTimeMilliseconds();
    }

    /// <summary>Time of the scenario's start; its UTC offset is the one the lines' <c>time_iso8601</c> carries.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The injected attackers' addresses, in the order they were added.</summary>
    public IReadOnlyList<IpKey> AttackerIps => _attackers;

    /// <summary>Ground truth: every injected attack with its address, kind and start, in the order added.</summary>
    public IReadOnlyList<AttackLabel> Attacks => _labels;

    /// <summary>
    /// The benign population: <paramref name="count"/> client IPs (about 1% monitoring probes, then
    /// desktop sync clients, browser users, mobile apps, CalDAV/CardDAV clients, public-share visitors
    /// and slow internet scanners). <paramref name="meanTotalRatePerSecond"/> is the day-average total;
    /// the diurnal curve makes the afternoon busier and the night quieter around it.
    /// </summary>
    public TrafficScenario WithClients(int count, double ipv6Share = 0.1, double meanTotalRatePerSecond = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(ipv6Share, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ipv6Share, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(meanTotalRatePerSecond);
        _clients = count;
        _ipv6Share = ipv6Share;
        _meanTotalRatePerSecond = meanTotalRatePerSecond;
        return this;
    }

    /// <summary>
    /// The benign population under the presence model (replaces <see cref="WithClients"/>): the site's people come and
    /// go with its <see cref="DayShape"/> in its own time zone, each client keeping its usual pace while present.
    /// </summary>
    public TrafficScenario WithSite(SitePlan site)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(site.Clients);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(site.Activity);
        _site = site;
        _clients = site.Clients;
        return this;
    }

    /// <summary>The site's plan when <see cref="WithSite"/> was used.</summary>
    public SitePlan? Site => _site;

    /// <summary>Daily swing of the benign rate: 0 is flat, the default 0.5 gives 0.5× at 03:00 and 1.5× at 15:00 local time.</summary>
    public TrafficScenario WithDiurnalAmplitude(double amplitude)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amplitude, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amplitude, 1.0);
        _diurnalAmplitude = amplitude;
        return this;
    }

    /// <summary>The <c>host</c> field and the origin of referers (default <c>cloud.example.com</c>).</summary>
    public TrafficScenario WithHost(string host)
    {
        _host = host;
        return this;
    }

    /// <summary>
    /// A flood: exactly ⌊duration × rate⌋ requests from <paramref name="ip"/>, one per 1/rate slot with
    /// jitter, starting <paramref name="startOffset"/> after <see cref="Start"/>.
    /// <paramref name="pathPattern"/> may contain <c>{n}</c> (random number) and <c>{user}</c> (random user name),
    /// e.g. <c>/remote.php/dav/files/{user}/{n}.bin</c>.
    /// </summary>
    public TrafficScenario WithFlood(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond,
        string method = "GET", string pathPattern = "/login", int status = 200) =>
        AddAttack(ip, "flood", startOffset, duration,
            random => new FloodAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond, method, pathPattern, status));

    /// <summary>Password spraying: Basic-auth attempts on many user names (WebDAV PROPFIND and OCS), all answered 401.</summary>
    public TrafficScenario WithSpraying(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond) =>
        AddAttack(ip, "spraying", startOffset, duration,
            random => new PasswordSprayingAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond));

    /// <summary>A content scanner probing non-existent paths, all answered 404.</summary>
    public TrafficScenario WithScanning(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond) =>
        AddAttack(ip, "scanning", startOffset, duration,
            random => new PathScanningAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond));

    /// <summary>An attacker that starts slowly and speeds up linearly (hoping the baseline learns it as normal).</summary>
    public TrafficScenario WithRamp(IpKey ip, TimeSpan startOffset, TimeSpan duration, double fromRate, double toRate,
        string pathPattern = "/index.php/apps/files/?dir=/{n}") =>
        AddAttack(ip, "ramp", startOffset, duration, random => new ScriptedSource(ip, random, attacker: true,
            r => Scripts.Ramp(r, OffsetMs(startOffset), duration, fromRate, toRate, pathPattern)));

    /// <summary>Credential stuffing: leaked user/password pairs over WebDAV Basic auth, nearly all answered 401.</summary>
    public TrafficScenario WithCredentialStuffing(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond) =>
        AddAttack(ip, "credential_stuffing", startOffset, duration, random => new ScriptedSource(ip, random, attacker: true,
            r => Scripts.CredentialStuffing(r, OffsetMs(startOffset), duration, ratePerSecond)));

    /// <summary>
    /// A public share link going viral: <paramref name="visitors"/> distinct addresses each open the share once (page,
    /// assets, download), arriving over <paramref name="duration"/> with the rush at the beginning. Benign.
    /// </summary>
    public TrafficScenario WithFlashCrowd(TimeSpan startOffset, TimeSpan duration, int visitors) =>
        AddBenign((ordinal, _) => FlashCrowd(ordinal, startOffset, duration, visitors));

    /// <summary>A desktop sync client catching up after a weekend: <paramref name="files"/> GETs/PUTs in bursts, then polling. Benign.</summary>
    public TrafficScenario WithSyncCatchUp(IpKey ip, TimeSpan startOffset, int files, TimeSpan pollAfter) =>
        AddBenign((ordinal, _) => [new ScriptedSource(ip, SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal), attacker: false,
            r => Scripts.SyncCatchUp(r, OffsetMs(startOffset), files, pollAfter))], ip);

    /// <summary>A client retrying with a revoked app password a few times a minute (401 each time). Benign.</summary>
    public TrafficScenario WithRevokedAppPassword(IpKey ip, TimeSpan startOffset, TimeSpan duration, double retriesPerMinute) =>
        AddBenign((ordinal, _) => [new ScriptedSource(ip, SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal), attacker: false,
            r => Scripts.RevokedAppPassword(r, OffsetMs(startOffset), duration, retriesPerMinute))], ip);

    /// <summary>One browser page load of <paramref name="requests"/> requests over <paramref name="spread"/>. Benign.</summary>
    public TrafficScenario WithPageLoadBurst(IpKey ip, TimeSpan at, int requests, TimeSpan spread) =>
        AddBenign((ordinal, _) => [new ScriptedSource(ip, SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal), attacker: false,
            r => Scripts.PageLoadBurst(r, OffsetMs(at), requests, spread))], ip);

    /// <summary>
    /// <paramref name="users"/> people behind one address (office NAT or mobile CGNAT), each an ordinary client
    /// profile. <paramref name="activity"/> speeds every user up (2 = twice the nominal profile rate). Benign.
    /// </summary>
    public TrafficScenario WithSharedAddress(IpKey ip, SharedAddressKind kind, int users, double activity = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(activity);
        return AddBenign((ordinal, context) =>
            ClientPopulation.SharedAddress(_seed, SharedAddressSeedStreamBase + ordinal, ip, kind, users, context with { GapScale = 1 / activity }),
            ip);
    }

    /// <summary>
    /// An office of <paramref name="people"/> behind one NAT address, arriving over the morning per
    /// <paramref name="arrivals"/> (in the site's time zone): desktop clients, web UIs open all day, phones, calendars.
    /// Paced so that the address sends about <paramref name="peakRatePerSecond"/> with everyone present. Benign.
    /// </summary>
    public TrafficScenario WithOffice(IpKey ip, int people, double peakRatePerSecond, DayShape arrivals)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(people);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peakRatePerSecond);
        return AddBenign((ordinal, context) =>
        {
            var curve = DiurnalCurve.Workday(arrivals, context.Diurnal.UtcOffset);
            var gapScale = ClientPopulation.OfficePersonRate * people * arrivals.PeakLevel / peakRatePerSecond;
            return ClientPopulation.Office(_seed, SharedAddressSeedStreamBase + ordinal, ip, people,
                context with { GapScale = gapScale, Diurnal = curve }, curve);
        }, ip);
    }

    /// <summary>
    /// A desktop client catching up after a long absence at about <paramref name="ratePerSecond"/> (six parallel
    /// connections): <paramref name="files"/> GETs/PUTs with folder discoveries, then 30 s polling. Benign.
    /// </summary>
    public TrafficScenario WithSyncCatchUp(IpKey ip, TimeSpan startOffset, int files, TimeSpan pollAfter, double ratePerSecond) =>
        AddBenign((ordinal, _) => [new ScriptedSource(ip, SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal), attacker: false,
            r => Scripts.SyncCatchUp(r, OffsetMs(startOffset), files, pollAfter, ratePerSecond))], ip);

    /// <summary>
    /// A desktop client uploading a photo folder over <paramref name="parallel"/> transfers at about
    /// <paramref name="ratePerSecond"/> for <paramref name="duration"/>: small files as one PUT, large ones with chunked
    /// upload v2 (MKCOL of an upload folder, numbered chunk PUTs, MOVE of <c>.file</c> to the target). Benign.
    /// </summary>
    public TrafficScenario WithBulkUpload(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond, int parallel = 6) =>
        AddBenign((ordinal, _) => [new ScriptedSource(ip, SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal), attacker: false,
            r => Scripts.BulkUpload(r, OffsetMs(startOffset), duration, ratePerSecond, parallel))], ip);

    /// <summary>
    /// A public share link posted somewhere busy: <paramref name="visitors"/> new addresses each visit it like a browser
    /// (page, assets, previews, often the download). Arrivals rise over <paramref name="riseFraction"/> of
    /// <paramref name="duration"/>, then decay with <paramref name="decay"/> (larger = more front-loaded). Benign.
    /// </summary>
    public TrafficScenario WithFlashCrowd(TimeSpan startOffset, TimeSpan duration, int visitors, double riseFraction, double decay, bool gallery) =>
        AddBenign((ordinal, _) => ViralShare(ordinal, startOffset, duration, visitors, riseFraction, decay, gallery));

    /// <summary>
    /// An application-layer flood from one address: <paramref name="ratePerSecond"/> requests on the login page and the
    /// front page (mostly 200s) with one agent, for <paramref name="duration"/>.
    /// </summary>
    public TrafficScenario WithLoginPageFlood(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond, string agent) =>
        AddAttack(ip, "l7_flood", startOffset, duration, random => new ScriptedSource(ip, random, attacker: true,
            r => Scripts.LoginPageFlood(r, OffsetMs(startOffset), duration, ratePerSecond, agent)));

    /// <summary>
    /// Low-and-slow credential stuffing: each of <paramref name="ips"/> tries one leaked pair every
    /// <paramref name="minPeriod"/>–<paramref name="maxPeriod"/> over WebDAV/OCS Basic auth (401, and 429 once
    /// Nextcloud's brute-force throttle kicks in), joining over <paramref name="joinOver"/>. Each address alone is
    /// below any per-address bar, so their bans are allowed, not required (<see cref="AttackLabel.MustBan"/> false).
    /// </summary>
    public TrafficScenario WithLowAndSlowStuffing(IReadOnlyList<IpKey> ips, TimeSpan startOffset, TimeSpan duration,
        TimeSpan minPeriod, TimeSpan maxPeriod, TimeSpan joinOver)
    {
        for (var i = 0; i < ips.Count; i++)
        {
            var ip = ips[i];
            var join = TimeSpan.FromMilliseconds(joinOver.TotalMilliseconds * i / Math.Max(1, ips.Count));
            AddAttack(ip, "low_slow_stuffing", startOffset + join, duration - join, random => new ScriptedSource(ip, random, attacker: true,
                r => Scripts.SlowStuffing(r, OffsetMs(startOffset + join), duration - join, minPeriod, maxPeriod)), mustBan: false);
        }
        return this;
    }

    /// <summary>Lines without end, in time order; for live demos that pace themselves on <see cref="GeneratedLine.TimeMs"/>.</summary>
    public IEnumerable<GeneratedLine> Generate() => Generate(Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The lines dated in [Start, Start + duration), lazily, in non-decreasing time order (ties by
    /// client). <see cref="Timeout.InfiniteTimeSpan"/> or <see cref="TimeSpan.MaxValue"/> never ends.
    /// </summary>
    public IEnumerable<GeneratedLine> Generate(TimeSpan duration)
    {
        var endMs = duration == Timeout.InfiniteTimeSpan || duration >= TimeSpan.FromDays(365 * 1000)
            ? long.MaxValue
            : _startMs + (long)duration.TotalMilliseconds;
        return GenerateUntil(endMs);
    }

    /// <summary>Writes the lines of <see cref="Generate(TimeSpan)"/> (at most <paramref name="maxLines"/>) to a file, each followed by '\n'.</summary>
    /// <returns>The number of lines written.</returns>
    public long WriteTo(string path, TimeSpan duration, long maxLines = long.MaxValue)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20);
        long count = 0;
        foreach (var line in Generate(duration))
        {
            if (count >= maxLines) break;
            writer.Write(line.Json);
            writer.Write('\n');
            count++;
        }
        return count;
    }

    private IEnumerable<GeneratedLine> GenerateUntil(long endMs)
    {
        var writer = new AccessLogLineWriter(Start.Offset, _host);
        var queue = new PriorityQueue<TrafficSource, (long TimeMs, int Index)>();
        var index = 0;
        foreach (var source in CreateSources())
        {
            if (source.NextTimeMs != TrafficSource.Finished) queue.Enqueue(source, (source.NextTimeMs, index));
            index++;
        }

        while (queue.TryDequeue(out var source, out var priority))
        {
            if (priority.TimeMs >= endMs) yield break;
            var request = source.TakeNext();
            yield return new GeneratedLine(priority.TimeMs, source.Ip, writer.Format(priority.TimeMs, source.IpText, request), source.Attacker);
            if (source.NextTimeMs != TrafficSource.Finished) queue.Enqueue(source, (source.NextTimeMs, priority.Index));
        }
    }

    private IEnumerable<TrafficSource> CreateSources()
    {
        var curve = _site is { } site ? DiurnalCurve.Workday(site.Day, site.UtcOffset) : new DiurnalCurve(_diurnalAmplitude, Start.Offset);
        var reserved = _attackers.Concat(_reserved).ToHashSet();
        var population = _site is { } plan
            ? ClientPopulation.Create(_seed, plan, _host, curve, reserved)
            : ClientPopulation.Create(_seed, _clients, _ipv6Share, _meanTotalRatePerSecond, _host, curve, reserved);
        foreach (var client in population)
        {
            client.Start(_startMs);
            yield return client;
        }
        for (var i = 0; i < _attacks.Count; i++)
            yield return _attacks[i](SeedMixer.RandomFor(_seed, AttackSeedStream, i));

        var context = new SimulationContext(_host, 1, curve);
        for (var i = 0; i < _extraBenign.Count; i++)
        {
            foreach (var source in _extraBenign[i](i, context))
            {
                if (source is BenignClient client) client.Start(_startMs);
                yield return source;
            }
        }
    }

    private IEnumerable<TrafficSource> FlashCrowd(int ordinal, TimeSpan startOffset, TimeSpan duration, int visitors)
    {
        var random = SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal);
        var token = "Xk7pQ2mWz9RtY4b";
        var startMs = OffsetMs(startOffset);
        for (var i = 0; i < visitors; i++)
        {
            var visitor = SeedMixer.RandomFor(_seed, ExtraBenignSeedStream + 1, ordinal * 1_000_000 + i);
            // Arrivals decay exponentially after the link is posted: half of them in the first quarter.
            var u = random.NextDouble();
            var atMs = startMs + (long)(Math.Min(1, -Math.Log(1 - u * (1 - Math.Exp(-2.8))) / 2.8) * duration.TotalMilliseconds);
            yield return new ScriptedSource(ClientPopulation.RandomPublicAddress(visitor), visitor, attacker: false,
                r => Scripts.ShareVisit(r, atMs, token));
        }
    }

    private IEnumerable<TrafficSource> ViralShare(int ordinal, TimeSpan startOffset, TimeSpan duration, int visitors,
        double riseFraction, double decay, bool gallery)
    {
        var random = SeedMixer.RandomFor(_seed, ExtraBenignSeedStream, ordinal);
        var token = PublicShareVisitor.ShareToken(random);
        var startMs = OffsetMs(startOffset);
        var lengthMs = duration.TotalMilliseconds;
        var peakAt = Math.Clamp(riseFraction, 0, 0.9);
        for (var i = 0; i < visitors; i++)
        {
            var visitor = SeedMixer.RandomFor(_seed, ExtraBenignSeedStream + 1, ordinal * 1_000_000 + i);
            // A linear rise to the peak, then an exponential decay truncated at the end of the window.
            var u = random.NextDouble();
            double x;
            // Density: 0 → 1 linearly over [0, peak], then e^(−decay·(x − peak)); masses peak/2 and (1 − e^(−decay·(1 − peak)))/decay.
            var decayMass = (1 - Math.Exp(-decay * (1 - peakAt))) / decay;
            var riseMass = peakAt / 2 / (peakAt / 2 + decayMass);
            if (peakAt > 0 && u < riseMass) x = peakAt * Math.Sqrt(u / riseMass);
            else
            {
                var v = peakAt > 0 ? (u - riseMass) / (1 - riseMass) : u;
                x = peakAt + Math.Min(1 - peakAt, -Math.Log(1 - v * decay * decayMass) / decay);
            }
            var atMs = startMs + (long)(x * lengthMs);
            yield return new ScriptedSource(ClientPopulation.RandomPublicAddress(visitor), visitor, attacker: false,
                r => Scripts.ShareVisit(r, atMs, token, gallery));
        }
    }

    private TrafficScenario AddAttack(IpKey ip, string kind, TimeSpan startOffset, TimeSpan duration, Func<Random, TrafficSource> create,
        bool mustBan = true)
    {
        _attackers.Add(ip);
        _labels.Add(new AttackLabel(ip, kind, Start + startOffset, duration, mustBan));
        _attacks.Add(create);
        return this;
    }

    private TrafficScenario AddBenign(Func<int, SimulationContext, IEnumerable<TrafficSource>> create, IpKey? ip = null)
    {
        if (ip is { } address) _reserved.Add(address);
        _extraBenign.Add(create);
        return this;
    }

    private long OffsetMs(TimeSpan offset) => _startMs + (long)offset.TotalMilliseconds;
}

/// <summary>Ground truth of one injected attack: who, what, from when, for how long.</summary>
/// <param name="MustBan">The address must be banned; false where each address alone is below any per-address bar (a
/// low-and-slow botnet): banning it is right, not banning it is no miss.</param>
public sealed record AttackLabel(IpKey Ip, string Kind, DateTimeOffset Start, TimeSpan Duration, bool MustBan = true);

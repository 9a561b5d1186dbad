using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation.Scenarios;

/// <summary>
/// The labelled situations Detector is judged on: attacks it must ban and benign crowds it must spare. Sized so
/// each replays in a few seconds; every attack starts after the baseline has warmed up (ten minutes in).
/// </summary>
public static class ScenarioCatalog
{
    private static readonly DateTimeOffset Weekday = new(2026, 4, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Night = new(2026, 4, 30, 2, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan AttackStart = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FloodDeadline = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<LabelledScenario> All { get; } =
    [
        new("single-ip-flood", "one IP floods /login at 150 req/s for 2 min", ScenarioKind.Attack, TimeSpan.FromMinutes(15),
            () => Site(1).WithFlood(Ip("203.0.113.10"), AttackStart, TimeSpan.FromMinutes(2), 150),
            BanDeadline: FloodDeadline),

        new("moderate-sustained-flood", "one IP at 2.5 req/s on a web endpoint for 14 min (a few times a heavy user)", ScenarioKind.Attack,
            TimeSpan.FromMinutes(26),
            () => Site(2).WithFlood(Ip("203.0.113.11"), AttackStart, TimeSpan.FromMinutes(14), 2.5,
                pathPattern: "/index.php/apps/files/?dir=/{n}")),

        new("slow-ramp", "one IP ramping from 0.1 to 12 req/s over 20 min", ScenarioKind.Attack, TimeSpan.FromMinutes(32),
            () => Site(3).WithRamp(Ip("203.0.113.12"), AttackStart, TimeSpan.FromMinutes(20), 0.1, 12)),

        new("password-spraying", "Basic-auth spraying over WebDAV/OCS, 401s at 1.5 req/s", ScenarioKind.Attack, TimeSpan.FromMinutes(20),
            () => Site(4).WithSpraying(Ip("203.0.113.13"), AttackStart, TimeSpan.FromMinutes(8), 1.5)),

        new("credential-stuffing", "leaked pairs over WebDAV from an IPv6 host, 401s at 1 req/s", ScenarioKind.Attack, TimeSpan.FromMinutes(20),
            () => Site(5).WithCredentialStuffing(Ip("2001:db8:5::13"), AttackStart, TimeSpan.FromMinutes(8), 1)),

        new("path-scanning", "a content scanner, 404s at 4 req/s", ScenarioKind.Attack, TimeSpan.FromMinutes(16),
            () => Site(6).WithScanning(Ip("203.0.113.14"), AttackStart, TimeSpan.FromMinutes(4), 4)),

        new("distributed-attack", "300 IPs at 2 req/s each on /login for 8 min (a surge)", ScenarioKind.Attack, TimeSpan.FromMinutes(24),
            Distributed, ExpectGlobalAlert: true),

        new("ipv6-rotating-flood", "an IPv6 flooder hopping to a new address of its /64 every 30 s, 40 req/s", ScenarioKind.Attack,
            TimeSpan.FromMinutes(16), Ipv6Rotating, BanDeadline: FloodDeadline),

        new("repeat-offender", "a 100 req/s flood returning after each unban", ScenarioKind.Attack, TimeSpan.FromMinutes(176),
            RepeatOffenderTraffic, BanDeadline: FloodDeadline, RepeatOffender: Ip("203.0.113.20")),

        new("flash-crowd", "a public share link goes viral: 1,500 visitors in 10 min", ScenarioKind.Benign, TimeSpan.FromMinutes(26),
            () => Site(10).WithFlashCrowd(TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(10), 1_500),
            ExpectGlobalAlert: true),

        new("sync-catch-up", "a desktop client syncing 2,500 changed files after a weekend", ScenarioKind.Benign, TimeSpan.FromMinutes(25),
            () => Site(11).WithSyncCatchUp(Ip("198.51.100.20"), TimeSpan.FromMinutes(10), 2_500, TimeSpan.FromMinutes(10))),

        new("office-nat", "60 busy users (browsers, sync clients, phones) behind one address", ScenarioKind.Benign, TimeSpan.FromMinutes(25),
            () => Site(12).WithSharedAddress(Ip("198.51.100.30"), SharedAddressKind.Office, users: 60, activity: 3)),

        new("quiet-night", "a few clients at 02:30 and one page load of 60 requests", ScenarioKind.Benign, TimeSpan.FromMinutes(25),
            () => new TrafficScenario(13, Night).WithClients(40, meanTotalRatePerSecond: 0.6)
                .WithPageLoadBurst(Ip("198.51.100.40"), TimeSpan.FromMinutes(15), 60, TimeSpan.FromSeconds(3))),

        new("mobile-cgnat", "three carrier-grade NAT addresses, 40 phones each", ScenarioKind.Benign, TimeSpan.FromMinutes(25),
            () => Site(14)
                .WithSharedAddress(Ip("100.64.12.7"), SharedAddressKind.MobileCarrier, users: 40, activity: 2)
                .WithSharedAddress(Ip("100.72.3.19"), SharedAddressKind.MobileCarrier, users: 40, activity: 2)
                .WithSharedAddress(Ip("2a02:810:aa00:1::1"), SharedAddressKind.MobileCarrier, users: 40, activity: 2)),

        new("revoked-app-password", "two clients retrying a revoked app password, 3 and 6 times a minute (401s)", ScenarioKind.Benign,
            TimeSpan.FromMinutes(25),
            () => Site(15)
                .WithRevokedAppPassword(Ip("198.51.100.50"), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(23), 3)
                .WithRevokedAppPassword(Ip("198.51.100.51"), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(23), 6)),
    ];

    public static LabelledScenario Named(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no scenario '{name}'", nameof(name));

    /// <summary>The ordinary site every scenario happens on: 300 clients, 10 req/s on average.</summary>
    private static TrafficScenario Site(int seed, int clients = 300, double rate = 10) =>
        new TrafficScenario(seed, Weekday).WithClients(clients, ipv6Share: 0.1, meanTotalRatePerSecond: rate);

    private static TrafficScenario Distributed()
    {
        var scenario = Site(7);
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var bot = IpKey.FromV4(0xC612_0000u + (uint)(i * 7 + 1)); // 198.18.0.0/15, the benchmarking range
            scenario.WithFlood(bot, TimeSpan.FromMinutes(12) + TimeSpan.FromMilliseconds(random.Next(60_000)), TimeSpan.FromMinutes(8), 2);
        }
        return scenario;
    }

    private static TrafficScenario Ipv6Rotating()
    {
        var scenario = Site(8);
        for (var i = 0; i < 8; i++)
            scenario.WithFlood(Ip($"2001:db8:66:1:{0x1000 + i * 0x111:x}:9e2:77:{i + 1}"),
                AttackStart + TimeSpan.FromSeconds(30 * i), TimeSpan.FromSeconds(30), 40);
        return scenario;
    }

    /// <summary>Returns one minute after each ban of the default ladder (10 min, 30 min, 2 h) has expired.</summary>
    private static TrafficScenario RepeatOffenderTraffic()
    {
        var scenario = Site(9, clients: 80, rate: 3);
        var attacker = Ip("203.0.113.20");
        var at = AttackStart;
        foreach (var ban in new[] { 10, 30, 120, 0 })
        {
            scenario.WithFlood(attacker, at, TimeSpan.FromMinutes(1), 100);
            at += TimeSpan.FromMinutes(ban + 1);
        }
        return scenario;
    }

    private static IpKey Ip(string text) => IpKey.Parse(text);
}

using Detector.Ingest;
using Detector.Domain;

namespace Detector.Simulation;

/// <summary>Who shares an address: an office (browsers, desktop sync, some phones) or a mobile carrier's CGNAT (phones).</summary>
public enum SharedAddressKind { Office, MobileCarrier }

/// <summary>
/// Builds the benign clients of a scenario: the profile mix, their addresses (public-looking IPv4
/// outside documentation ranges, IPv6 under real ISP prefixes) and the gap scale that makes the
/// population's mean total rate match the request.
/// </summary>
internal static class ClientPopulation
{
    private const int SeedStream = 1;

    private enum Profile { DesktopSync, Browser, Mobile, Dav, PublicShare, Scanner }

    private static readonly (Profile Profile, double Share, double NominalRate)[] Mix =
    [
        (Profile.DesktopSync, 0.20, DesktopSyncClient.NominalRatePerSecond),
        (Profile.Browser, 0.20, BrowserUser.NominalRatePerSecond),
        (Profile.Mobile, 0.35, MobileAppClient.NominalRatePerSecond),
        (Profile.Dav, 0.15, DavClient.NominalRatePerSecond),
        (Profile.PublicShare, 0.07, PublicShareVisitor.NominalRatePerSecond),
        (Profile.Scanner, 0.03, InternetScanner.NominalRatePerSecond),
    ];

    private static readonly uint[] V6Prefixes = [0x2a02_0810, 0x2003_00e5, 0x2a01_0598, 0x2600_1700, 0x2a00_1398, 0x2001_16b8];

    /// <param name="reserved">Addresses the population must not use (the attackers).</param>
    public static List<BenignClient> Create(
        int seed, int count, double ipv6Share, double meanTotalRatePerSecond,
        string host, DiurnalCurve diurnal, IReadOnlySet<IpKey> reserved)
    {
        var monitors = count == 0 ? 0 : Math.Max(1, count / 100);
        var profiles = new Profile[count - monitors];
        var nominal = 0.0;
        for (var i = 0; i < profiles.Length; i++)
        {
            profiles[i] = PickProfile(SeedMixer.RandomFor(seed, SeedStream, -1 - i).NextDouble());
            nominal += Mix.First(m => m.Profile == profiles[i]).NominalRate;
        }

        // Monitors run at a fixed rate; everyone else is stretched or compressed to fill the remainder.
        var scalableTarget = Math.Max(meanTotalRatePerSecond - monitors * MonitoringProbe.FixedRatePerSecond, 0.05 * meanTotalRatePerSecond);
        var gapScale = nominal > 0 ? nominal / scalableTarget : 1;
        var context = new SimulationContext(host, gapScale, diurnal);

        var used = new HashSet<IpKey>(reserved);
        var clients = new List<BenignClient>(count);
        for (var i = 0; i < count; i++)
        {
            var random = SeedMixer.RandomFor(seed, SeedStream, i);
            var ip = NextAddress(random, ipv6Share, used);
            clients.Add(i < monitors
                ? new MonitoringProbe(ip, random, context)
                : Create(profiles[i - monitors], ip, random, context));
        }
        return clients;
    }

    /// <summary>The benign population of a <see cref="SitePlan"/> (presence model).</summary>
    public static List<BenignClient> Create(int seed, SitePlan plan, string host, DiurnalCurve curve, IReadOnlySet<IpKey> reserved)
    {
        var count = plan.Clients;
        var monitors = count == 0 ? 0 : Math.Max(1, count / 100);
        var context = new SimulationContext(host, 1 / plan.Activity, curve);
        var monitorContext = context with { GapScale = 1 };
        var mix = plan.Mix;
        (Profile Profile, double Share)[] weights =
        [
            (Profile.DesktopSync, mix.DesktopSync / mix.Total), (Profile.Browser, mix.Browser / mix.Total),
            (Profile.Mobile, mix.Mobile / mix.Total), (Profile.Dav, mix.Dav / mix.Total),
            (Profile.PublicShare, mix.PublicShare / mix.Total), (Profile.Scanner, mix.Scanner / mix.Total),
        ];

        var used = new HashSet<IpKey>(reserved);
        var clients = new List<BenignClient>(count);
        for (var i = 0; i < count; i++)
        {
            var random = SeedMixer.RandomFor(seed, SeedStream, i);
            var ip = NextAddress(random, plan.Ipv6Share, used);
            if (i < monitors)
            {
                clients.Add(new MonitoringProbe(ip, random, monitorContext));
                continue;
            }
            var roll = random.NextDouble();
            var profile = Profile.DesktopSync;
            foreach (var (p, share) in weights)
            {
                profile = p;
                if (roll < share) break;
                roll -= share;
            }
            var alwaysOn = random.NextDouble() < plan.AlwaysOnDesktops;
            var personSeed = random.Next();
            var client = Create(profile, ip, random, context);
            switch (client)
            {
                case DesktopSyncClient when !alwaysOn:
                    client.Schedule = new PresenceSchedule(curve, personSeed, lunch: false);
                    break;
                case BrowserUser:
                    client.Schedule = new PresenceSchedule(curve, personSeed, lunch: true);
                    break;
                case MobileAppClient:
                    client.Schedule = new PresenceSchedule(curve, personSeed, lunch: false, eagerness: 0.6);
                    client.OfflineWhenAway = false;
                    break;
                case DavClient dav when !dav.RunsInBackground:
                    client.Schedule = new PresenceSchedule(curve, personSeed, lunch: false);
                    break;
                case PublicShareVisitor:
                    client.Schedule = new PresenceSchedule(curve, personSeed, lunch: false, eagerness: 0.8);
                    break;
            }
            clients.Add(client);
        }
        return clients;
    }

    /// <summary>Expected rate of one office worker with every device present (req/s), before the gap scale.</summary>
    public const double OfficePersonRate =
        0.85 * DesktopSyncClient.NominalRatePerSecond + 0.9 * BrowserUser.IntenseRatePerSecond +
        0.6 * MobileAppClient.NominalRatePerSecond + 0.15 * DavClient.NominalRatePerSecond;

    /// <summary>
    /// <paramref name="people"/> office workers behind one NAT address, arriving per <paramref name="curve"/>: each has a
    /// desktop client (85%), the web UI open (90%), a phone on the office Wi-Fi (60%), a desktop calendar (15%); all
    /// of a person's devices arrive and leave together.
    /// </summary>
    public static IEnumerable<BenignClient> Office(int seed, int stream, IpKey ip, int people, SimulationContext context, DiurnalCurve curve)
    {
        for (var i = 0; i < people; i++)
        {
            var random = SeedMixer.RandomFor(seed, stream, i);
            var person = random.Next();
            var devices = new List<BenignClient>(4);
            if (random.NextDouble() < 0.85) devices.Add(new DesktopSyncClient(ip, random, context));
            if (random.NextDouble() < 0.9) devices.Add(new BrowserUser(ip, random, context) { Intense = true });
            if (random.NextDouble() < 0.6) devices.Add(new MobileAppClient(ip, random, context));
            if (random.NextDouble() < 0.15) devices.Add(new DavClient(ip, random, context));
            foreach (var device in devices)
            {
                device.Schedule = new PresenceSchedule(curve, person, lunch: device is BrowserUser);
                yield return device;
            }
        }
    }

    private static Profile PickProfile(double roll)
    {
        foreach (var (profile, share, _) in Mix)
        {
            if (roll < share) return profile;
            roll -= share;
        }
        return Mix[0].Profile;
    }

    /// <summary>Users behind one shared address (an office NAT, a mobile carrier's CGNAT), all benign.</summary>
    public static IEnumerable<BenignClient> SharedAddress(int seed, int stream, IpKey ip, SharedAddressKind kind, int users, SimulationContext context)
    {
        for (var i = 0; i < users; i++)
        {
            var random = SeedMixer.RandomFor(seed, stream, i);
            var roll = random.NextDouble();
            var profile = kind switch
            {
                SharedAddressKind.Office => roll < 0.5 ? Profile.Browser : roll < 0.85 ? Profile.DesktopSync : roll < 0.95 ? Profile.Mobile : Profile.Dav,
                _ => roll < 0.8 ? Profile.Mobile : roll < 0.95 ? Profile.Browser : Profile.Dav,
            };
            yield return Create(profile, ip, random, context);
        }
    }

    internal static IpKey RandomPublicAddress(Random random) => RandomPublicV4(random);

    private static BenignClient Create(Profile profile, IpKey ip, Random random, SimulationContext context) => profile switch
    {
        Profile.DesktopSync => new DesktopSyncClient(ip, random, context),
        Profile.Browser => new BrowserUser(ip, random, context),
        Profile.Mobile => new MobileAppClient(ip, random, context),
        Profile.Dav => new DavClient(ip, random, context),
        Profile.PublicShare => new PublicShareVisitor(ip, random, context),
        _ => new InternetScanner(ip, random, context),
    };

    private static IpKey NextAddress(Random random, double ipv6Share, HashSet<IpKey> used)
    {
        var v6 = random.NextDouble() < ipv6Share;
        while (true)
        {
            var ip = v6 ? RandomV6(random) : RandomPublicV4(random);
            if (used.Add(ip)) return ip;
        }
    }

    private static IpKey RandomV6(Random random)
    {
        var high = (ulong)V6Prefixes[random.Next(V6Prefixes.Length)] << 32 | (uint)random.Next() << 1;
        var low = (ulong)random.NextInt64();
        return new IpKey(high, low);
    }

    private static IpKey RandomPublicV4(Random random)
    {
        while (true)
        {
            var address = (uint)random.NextInt64(0x0100_0000, 0xE000_0000);
            if (IsPublic(address)) return IpKey.FromV4(address);
        }
    }

    /// <summary>Excludes private, shared, loopback, link-local and documentation ranges (where tests put attackers).</summary>
    private static bool IsPublic(uint a)
    {
        var first = a >> 24;
        var second = (a >> 16) & 0xFF;
        var third = (a >> 8) & 0xFF;
        return first switch
        {
            0 or 10 or 127 => false,
            100 => second is < 64 or > 127,
            169 => second != 254,
            172 => second is < 16 or > 31,
            192 => !(second == 168 || (second == 0 && third is 0 or 2)),
            198 => !(second is 18 or 19 || (second == 51 && third == 100)),
            203 => !(second == 0 && third == 113),
            _ => true,
        };
    }
}

using System.Text;
using Detector.Ingest;

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

    private readonly int _seed;
    private readonly long _startMs;
    private readonly List<Func<Random, TrafficSource>> _attacks = [];
    private readonly List<IpKey> _attackers = [];
    private int _clients;
    private double _ipv6Share;
    private double _meanTotalRatePerSecond;
    private double _diurnalAmplitude = 0.5;
    private string _host = "cloud.example.com";

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
        AddAttack(ip, random => new FloodAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond, method, pathPattern, status));

    /// <summary>Password spraying: Basic-auth attempts on many user names (WebDAV PROPFIND and OCS), all answered 401.</summary>
    public TrafficScenario WithSpraying(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond) =>
        AddAttack(ip, random => new PasswordSprayingAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond));

    /// <summary>A content scanner probing non-existent paths, all answered 404.</summary>
    public TrafficScenario WithScanning(IpKey ip, TimeSpan startOffset, TimeSpan duration, double ratePerSecond) =>
        AddAttack(ip, random => new PathScanningAttack(ip, random, OffsetMs(startOffset), duration, ratePerSecond));

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
        var population = ClientPopulation.Create(
            _seed, _clients, _ipv6Share, _meanTotalRatePerSecond, _host,
            new DiurnalCurve(_diurnalAmplitude, Start.Offset), _attackers.ToHashSet());
        foreach (var client in population)
        {
            client.Start(_startMs);
            yield return client;
        }
        for (var i = 0; i < _attacks.Count; i++)
            yield return _attacks[i](SeedMixer.RandomFor(_seed, AttackSeedStream, i));
    }

    private TrafficScenario AddAttack(IpKey ip, Func<Random, TrafficSource> create)
    {
        _attackers.Add(ip);
        _attacks.Add(create);
        return this;
    }

    private long OffsetMs(TimeSpan offset) => _startMs + (long)offset.TotalMilliseconds;
}

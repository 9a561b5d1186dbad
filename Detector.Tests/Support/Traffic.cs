using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Support;

/// <summary>Hand-made entries for specs that need exact control of time and rates.</summary>
public static class Traffic
{
    public static readonly long Start = DateTimeOffset.Parse("2026-04-29T14:00:00Z").ToUnixTimeSeconds();

    public static AccessLogEntry Entry(string ip, long second, int status = 200, int millis = 0, string path = "/index.php") =>
        new(IpKey.Parse(ip), second * 1000 + millis, "GET", path, status, 512, "test-agent");

    /// <summary>
    /// Seconds [from, to) of traffic: <paramref name="benignIps"/> clients each making a request every
    /// <paramref name="benignPeriod"/> seconds (staggered), plus extra per-second entries from <paramref name="extra"/>.
    /// </summary>
    public static IEnumerable<AccessLogEntry[]> Seconds(long from, long to, int benignIps = 20, int benignPeriod = 5,
        Func<long, IEnumerable<AccessLogEntry>>? extra = null)
    {
        for (var s = from; s < to; s++)
        {
            var entries = new List<AccessLogEntry>();
            for (var i = 0; i < benignIps; i++)
                if ((s + i) % benignPeriod == 0) entries.Add(Entry($"198.51.100.{i + 1}", s, millis: i * 7 % 1000));
            if (extra is not null) entries.AddRange(extra(s));
            entries.Sort((a, b) => a.TimeMs.CompareTo(b.TimeMs));
            yield return [.. entries];
        }
    }

    public static IEnumerable<AccessLogEntry> Flood(string ip, long second, int perSecond, int status = 200) =>
        Enumerable.Range(0, perSecond).Select(i => Entry(ip, second, status, millis: i * 1000 / perSecond));
}

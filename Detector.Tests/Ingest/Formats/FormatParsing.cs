using System.Text;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;

namespace Detector.Tests.Ingest.Formats;

/// <summary>One line through a <see cref="LogParser"/> fixed to (or detecting) a format, for the format tests.</summary>
internal static class FormatParsing
{
    public static AccessLogEntry Good(LogFormat format, string line)
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions { Format = format }, counters);
        Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry),
            $"expected a good {format.Name()} line ({string.Join(", ", counters.MalformedByReason())}): {line}");
        Assert.Equal(0, counters.MalformedTotal);
        return entry;
    }

    public static MalformedReason Bad(LogFormat format, string line) => Bad(format, Encoding.UTF8.GetBytes(line));

    public static MalformedReason Bad(LogFormat format, byte[] line)
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions { Format = format }, counters);
        Assert.False(parser.TryParse(line, out var entry));
        Assert.Equal(default, entry);
        var reason = Assert.Single(counters.MalformedByReason()).Key;
        return Enum.GetValues<MalformedReason>().Single(r => r.Name() == reason);
    }

    public static long UnixMs(int year, int month, int day, int hour, int minute, int second, int ms = 0, int offsetHours = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.FromHours(offsetHours)).ToUnixTimeMilliseconds();
}

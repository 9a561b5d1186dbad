using System.Text;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Ingest;

/// <summary>A parser with its counters and captured samples, for the LogParser specs.</summary>
internal sealed class LogParserFixture
{
    public IngestCounters Counters { get; } = new();
    public List<(MalformedReason Reason, string Text)> Samples { get; } = [];
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 4, 29, 12, 0, 0, TimeSpan.Zero));
    public LogParser Parser { get; }

    public LogParserFixture(Dictionary<string, string>? fieldMap = null, int samplesPerMinute = 10)
    {
        var options = new LogOptions { FieldMap = fieldMap ?? new(), MalformedSamplesPerMinute = samplesPerMinute };
        Parser = new LogParser(options, Counters, (reason, text) => Samples.Add((reason, text)), Clock);
    }

    public AccessLogEntry ParseGood(string line)
    {
        Assert.True(Parser.TryParse(Encoding.UTF8.GetBytes(line), out var entry), $"expected a good line: {line}");
        return entry;
    }

    public MalformedReason ParseBad(byte[] line)
    {
        var before = Enum.GetValues<MalformedReason>().Select(Counters.Malformed).ToArray();
        Assert.False(Parser.TryParse(line, out var entry));
        Assert.Equal(default, entry);
        var grown = Enum.GetValues<MalformedReason>().Where(r => Counters.Malformed(r) > before[(int)r]).ToList();
        return Assert.Single(grown);
    }

    public MalformedReason ParseBad(string line) => ParseBad(Encoding.UTF8.GetBytes(line));

    public static long UnixMs(int year, int month, int day, int hour, int minute, int second, int ms = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Wall clock the test moves by hand, so sampling minutes pass without sleeping.</summary>
    public sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; private set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
        public void Advance(TimeSpan by) => Now += by;
    }
}

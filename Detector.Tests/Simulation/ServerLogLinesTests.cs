using System.Text;
using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using Detector.Simulation;

namespace Detector.Tests.Simulation;

/// <summary>Generated traffic written in each server's format reads back as the same entries (whole seconds where the format has them).</summary>
public sealed class ServerLogLinesTests
{
    [Theory]
    [InlineData(LogFormat.Combined)]
    [InlineData(LogFormat.VhostCombined)]
    [InlineData(LogFormat.TraefikClf)]
    [InlineData(LogFormat.CaddyJson)]
    [InlineData(LogFormat.TraefikJson)]
    public void Each_format_round_trips_generated_traffic(LogFormat format)
    {
        var source = new LogParser(new LogOptions(), new IngestCounters());
        var counters = new IngestCounters();
        var target = new LogParser(new LogOptions(), counters);
        var wholeSeconds = format is LogFormat.Combined or LogFormat.VhostCombined or LogFormat.TraefikClf;
        var lines = new TrafficScenario(7, new DateTimeOffset(2026, 4, 29, 8, 0, 0, TimeSpan.Zero))
            .WithClients(300, ipv6Share: 0.3, meanTotalRatePerSecond: 30)
            .WithSpraying(IpKey.Parse("198.51.100.23"), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 5)
            .Generate(TimeSpan.FromMinutes(2)).Take(3000).ToList();

        foreach (var line in lines)
        {
            Assert.True(source.TryParse(Encoding.UTF8.GetBytes(line.Json), out var original));
            var written = ServerLogLines.Write(original, format);
            Assert.True(target.TryParse(Encoding.UTF8.GetBytes(written), out var read), written);
            var expected = wholeSeconds ? original with { TimeMs = original.TimeMs / 1000 * 1000 } : original;
            Assert.Equal(expected, read);
        }
        Assert.Equal(format, target.Format);
        Assert.Equal(0, counters.MalformedTotal);
    }
}

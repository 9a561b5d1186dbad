using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Tests.Support;

namespace Detector.Tests.Deploy;

/// <summary>The shipped log format, the generator and the parser must not drift apart.</summary>
public class NginxLogFormatSpecs
{
    [Fact]
    public void Shipped_log_format_is_the_one_the_generator_writes()
    {
        var shipped = File.ReadAllText(Repository.File("deploy/nginx/detector-log-format.conf"));

        Assert.Contains(NginxLogFormat.Directive, shipped);
    }

    [Fact]
    public void Every_generated_line_in_the_shipped_format_parses_with_all_fields()
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);
        var lines = new TrafficScenario(3, DateTimeOffset.Parse("2026-04-29T14:00:00+02:00"))
            .WithClients(50, ipv6Share: 0.3)
            .Generate(TimeSpan.FromMinutes(5))
            .ToList();

        foreach (var line in lines)
        {
            Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(line.Json), out var entry), line.Json);
            Assert.Equal(line.Ip, entry.Ip);
            Assert.Equal(line.TimeMs, entry.TimeMs);
            Assert.NotEqual("-", entry.Method);
            Assert.StartsWith("/", entry.Path);
            Assert.InRange(entry.Status, 100, 599);
            Assert.NotEqual("-", entry.UserAgent);
        }
        Assert.Equal(0, counters.MalformedTotal);
    }
}

using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;

namespace Detector.Tests.Deploy;

/// <summary>The shipped log format, the generator and the parser must not drift apart.</summary>
public class NginxLogFormatSpecs
{
    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Detector.sln"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException("repository root not found");
    }

    [Fact]
    public void Shipped_log_format_is_the_one_the_generator_writes()
    {
        var shipped = File.ReadAllText(RepoFile("deploy/nginx/detector-log-format.conf"));

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

using System.Text;
using Detector.Configuration;
using Detector.Ingest;

namespace Detector.Tests.Ingest;

public class LogParserBatchTests
{
    private static string Line(string ip, int second, string path = "/", string ua = "curl/8.5.0") =>
        $$"""{"remote_addr":"{{ip}}","time_iso8601":"2026-04-29T14:24:{{second:00}}Z","request_method":"GET","request_uri":"{{path}}","status":"200","http_user_agent":"{{ua}}"}""";

    [Fact]
    public void A_batch_yields_the_good_entries_in_log_order_and_counts_once()
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);
        var batch = LineBatch.FromLines([Line("10.0.0.1", 5), "garbage", Line("10.0.0.2", 9), """{"remote_addr":"1.2""", Line("10.0.0.3", 7)]);

        var result = parser.Parse(batch);

        Assert.Equal(3, result.Count);
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], result.Span.ToArray().Select(e => e.Ip.ToString()));
        Assert.Equal(5, counters.Lines);
        Assert.Equal(3, counters.Entries);
        Assert.Equal(2, counters.Malformed(MalformedReason.InvalidJson));
        Assert.Equal(0, counters.NewestEventMs); // the clock's to set, from the lines it accepts
    }

    [Fact]
    public void An_empty_batch_counts_nothing()
    {
        var counters = new IngestCounters();
        var result = new LogParser(new LogOptions(), counters).Parse(LineBatch.FromLines([]));
        Assert.Equal(0, result.Count);
        Assert.Equal((0L, 0L, 0L), (counters.Lines, counters.Entries, counters.NewestEventMs));
    }

    [Fact]
    public void Repeated_paths_user_agents_and_methods_are_the_same_string_instances()
    {
        var fixture = new LogParserFixture();
        var first = fixture.ParseGood(Line("10.0.0.1", 1, "/index.php/apps/files/", "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"));
        var second = fixture.ParseGood(Line("10.0.0.2", 2, "/index.php/apps/files/", "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"));

        Assert.Equal("/index.php/apps/files/", second.Path);
        Assert.Same(first.Path, second.Path);
        Assert.Same(first.UserAgent, second.UserAgent);
        Assert.Same(first.Method, second.Method);
    }

    [Fact]
    public void Pooled_strings_are_equal_by_value_to_what_was_logged_even_after_many_distinct_values()
    {
        var fixture = new LogParserFixture();
        for (var i = 0; i < 20_000; i++)
        {
            var path = $"/file/{i}";
            Assert.Equal(path, fixture.ParseGood(Line("10.0.0.1", 1, path)).Path);
        }
        Assert.Equal("/file/7", fixture.ParseGood(Line("10.0.0.1", 1, "/file/7")).Path);
    }

    [Fact]
    public void Steady_state_parsing_of_repeated_lines_does_not_allocate()
    {
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        var lines = new[] { Line("10.0.0.1", 1, "/a", "ua-1"), Line("2001:db8::1", 2, "/b", "ua-2"), Line("10.0.0.3", 3, "/a", "ua-1") }
            .Select(Encoding.UTF8.GetBytes).ToArray();
        foreach (var line in lines) parser.TryParse(line, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) parser.TryParse(lines[i % 3 == 1 ? 0 : 2], out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

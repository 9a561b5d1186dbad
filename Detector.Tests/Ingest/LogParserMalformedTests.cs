using System.Text;
using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Ingest;

public class LogParserMalformedTests
{
    private const string Good = """{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":200}""";

    [Theory]
    [InlineData("""{"remote_addr":"1.2.3.4","ti""", MalformedReason.InvalidJson)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":200""", MalformedReason.InvalidJson)]
    [InlineData("""{"remote_addr":"1.2.3.4" "status":200}""", MalformedReason.InvalidJson)]
    [InlineData("""{"remote_addr":"1.2.3.4","status":200,}""", MalformedReason.InvalidJson)]
    [InlineData("""{"remote_addr":"1.2.3.4","path":"/\x22"}""", MalformedReason.InvalidJson)]
    [InlineData("""{"a":1}{"b":2}""", MalformedReason.InvalidJson)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 2000 612""", MalformedReason.InvalidStatus)]
    [InlineData("", MalformedReason.InvalidJson)]
    [InlineData("   ", MalformedReason.InvalidJson)]
    [InlineData("[1,2,3]", MalformedReason.NotAnObject)]
    [InlineData("\"just a string\"", MalformedReason.NotAnObject)]
    [InlineData("42", MalformedReason.NotAnObject)]
    [InlineData("null", MalformedReason.NotAnObject)]
    [InlineData("""{"time_iso8601":"2026-04-29T14:24:29Z","status":200}""", MalformedReason.MissingIp)]
    [InlineData("""{"remote_addr":"-","time_iso8601":"2026-04-29T14:24:29Z","status":200}""", MalformedReason.MissingIp)]
    [InlineData("""{"remote_addr":"1.2.3.999","time_iso8601":"2026-04-29T14:24:29Z","status":200}""", MalformedReason.InvalidIp)]
    [InlineData("""{"remote_addr":"1.2.3.4","status":200}""", MalformedReason.MissingTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"-","status":200}""", MalformedReason.MissingTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"yesterday","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-02-30T14:24:29Z","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T24:00:00Z","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29+2","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_local":"29/Foo/2026:14:24:29 +0000","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","msec":"12ab","status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","timestamp":-5,"status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z"}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":99}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":600}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":"2OO"}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":200.5}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"remote_addr":"1.2.3.4","time_iso8601":"2026-04-29T14:24:29Z","status":null}""", MalformedReason.InvalidStatus)]
    public void Malformed_lines_are_rejected_and_counted_by_reason(string line, MalformedReason reason)
    {
        var fixture = new LogParserFixture();
        Assert.Equal(reason, fixture.ParseBad(line));
        Assert.Equal(1, fixture.Counters.Malformed(reason));
    }

    [Fact]
    public void Invalid_utf8_is_counted_but_the_request_is_still_seen()
    {
        // Nginx copies header bytes as sent: dropping the line would let one 0xFF byte hide a client.
        var fixture = new LogParserFixture();
        var line = Encoding.UTF8.GetBytes(Good.Replace("}", ",\"http_user_agent\":\"bot X\"}"));
        line[Array.IndexOf(line, (byte)'X')] = 0xFF;

        Assert.True(fixture.Parser.TryParse(line, out var entry));
        Assert.Equal(1, fixture.Counters.Malformed(MalformedReason.InvalidUtf8));
        Assert.Equal("bot \uFFFD", entry.UserAgent);
        Assert.Equal(IpKey.Parse("1.2.3.4"), entry.Ip);
    }

    [Fact]
    public void Invalid_utf8_that_is_not_an_entry_is_rejected_as_invalid_utf8_only()
    {
        var fixture = new LogParserFixture();
        Assert.Equal(MalformedReason.InvalidUtf8, fixture.ParseBad([(byte)'{', 0xC3, 0x28, (byte)'}']));
        Assert.Equal(1, fixture.Counters.MalformedTotal);
    }

    [Fact]
    public void Lines_over_the_configured_limit_are_rejected_as_too_long()
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new Detector.Configuration.LogOptions { MaxLineBytes = 40 }, counters);
        Assert.False(parser.TryParse(Encoding.UTF8.GetBytes(Good), out _));
        Assert.Equal(1, counters.Malformed(MalformedReason.LineTooLong));
    }

    [Fact]
    public void A_good_line_after_bad_ones_still_parses()
    {
        var fixture = new LogParserFixture();
        fixture.ParseBad("""{"remote_addr":"1.2.3.4","ti""");
        fixture.ParseBad("""{"remote_addr":"1.2.3.4","path":"\u00""");
        fixture.ParseBad([0xFF, 0xFE]);
        fixture.ParseBad("[]");

        Assert.Equal(IpKey.Parse("1.2.3.4"), fixture.ParseGood(Good).Ip);
    }

    [Fact]
    public void Samples_are_capped_per_minute_and_resume_the_next_minute()
    {
        var fixture = new LogParserFixture(samplesPerMinute: 3);
        for (var i = 0; i < 10; i++) fixture.ParseBad("""{"remote_addr":"1.2.3.4","ti""");
        Assert.Equal(3, fixture.Samples.Count);
        Assert.Equal(10, fixture.Counters.Malformed(MalformedReason.InvalidJson));

        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        fixture.ParseBad("[]");
        Assert.Equal(3, fixture.Samples.Count);

        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++) fixture.ParseBad("[]");
        Assert.Equal(6, fixture.Samples.Count);
        Assert.Equal((MalformedReason.NotAnObject, "[]"), fixture.Samples[^1]);
    }

    [Fact]
    public void A_sample_carries_the_reason_and_at_most_200_characters_of_the_line()
    {
        var fixture = new LogParserFixture();
        var longBad = """{"remote_addr":"1.2.3.4","path":"/""" + new string('x', 500);
        fixture.ParseBad(longBad);

        var (reason, text) = Assert.Single(fixture.Samples);
        Assert.Equal(MalformedReason.InvalidJson, reason);
        Assert.Equal(longBad[..200], text);
    }

    [Fact]
    public void No_samples_are_taken_when_the_limit_is_zero()
    {
        var fixture = new LogParserFixture(samplesPerMinute: 0);
        fixture.ParseBad("[]");
        Assert.Empty(fixture.Samples);
        Assert.Equal(1, fixture.Counters.Malformed(MalformedReason.NotAnObject));
    }
}

using System.Text;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Ingest.Formats;

namespace Detector.Tests.Ingest.Formats;

/// <summary>A file's format is detected from its first line that parses, and then kept; garbage never throws.</summary>
public sealed class LogFormatDetectionTests
{
    public static TheoryData<string, LogFormat> Lines => new()
    {
        { """{"time_iso8601":"2026-04-29T14:24:29+00:00","remote_addr":"203.0.113.9","request_method":"GET","request_uri":"/","status":"200"}""", LogFormat.Json },
        { """203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0" """, LogFormat.Combined },
        { """2001:db8::7 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612""", LogFormat.Combined },
        { """cloud.example.com:443 203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0" """, LogFormat.VhostCombined },
        { """192.0.2.10 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/2.0" 200 118 "-" "-" 42 "nextcloud@docker" "http://172.18.0.3:80" 7ms""", LogFormat.TraefikClf },
        { """{"ClientHost":"192.0.2.10","DownstreamStatus":200,"RequestMethod":"GET","RequestPath":"/","StartUTC":"2026-04-29T14:24:29Z"}""", LogFormat.TraefikJson },
        { """{"level":"info","ts":1777472669.52,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.9","method":"GET","uri":"/"},"status":200,"size":5}""", LogFormat.CaddyJson },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Each_format_is_recognised_from_one_line_and_kept_for_the_file(string line, LogFormat format)
    {
        var parser = new LogParser(new LogOptions(), new IngestCounters());
        Assert.Equal(LogFormat.Auto, parser.Format);

        Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(line), out _));

        Assert.Equal(format, parser.Format);
        Assert.Equal(format, LogFormatDetector.Candidate(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void Garbage_before_the_first_good_line_is_counted_and_does_not_fix_the_format()
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions(), counters);

        Assert.False(parser.TryParse("\u0016\u0003garbage"u8, out _));
        Assert.False(parser.TryParse("203.0.113.9 - - [29/Apr/2026:14:2"u8, out _));
        Assert.Equal(LogFormat.Auto, parser.Format);
        Assert.True(parser.TryParse("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 1 "-" "-" """u8, out _));

        Assert.Equal(LogFormat.Combined, parser.Format);
        Assert.Equal(2, counters.MalformedTotal);
        // Once fixed, a JSON line in that file is not in its format.
        Assert.False(parser.TryParse("""{"remote_addr":"203.0.113.9","msec":"1777472669.1","status":"200"}"""u8, out _));
        Assert.Equal(1, counters.Malformed(MalformedReason.InvalidIp));
    }

    [Fact]
    public void The_parsers_of_one_file_share_its_detected_format()
    {
        var choice = new LogFormatChoice();
        var first = new LogParser(new LogOptions(), new IngestCounters(), null, TimeProvider.System, choice);
        var second = new LogParser(new LogOptions(), new IngestCounters(), null, TimeProvider.System, choice);

        Assert.True(first.TryParse("""{"ts":1777472669.5,"request":{"remote_ip":"192.0.2.1"},"status":200}"""u8, out _));

        Assert.Equal(LogFormat.CaddyJson, second.Format);
    }

    [Theory]
    [InlineData("nginx", LogFormat.Combined)]
    [InlineData("Apache-Combined", LogFormat.Combined)]
    [InlineData("vhost_combined", LogFormat.VhostCombined)]
    [InlineData("caddy", LogFormat.CaddyJson)]
    [InlineData("traefik", LogFormat.TraefikClf)]
    [InlineData("traefik_json", LogFormat.TraefikJson)]
    [InlineData("json", LogFormat.Json)]
    [InlineData("auto", LogFormat.Auto)]
    public void Configured_names_are_read(string name, LogFormat format)
    {
        Assert.True(LogFormatNames.TryParse(name, out var parsed));
        Assert.Equal(format, parsed);
    }

    [Fact]
    public void An_unknown_configured_name_is_refused() => Assert.False(LogFormatNames.TryParse("syslog", out _));

    [Theory]
    [InlineData(LogFormat.Auto)]
    [InlineData(LogFormat.Json)]
    [InlineData(LogFormat.Combined)]
    [InlineData(LogFormat.VhostCombined)]
    [InlineData(LogFormat.CaddyJson)]
    [InlineData(LogFormat.TraefikJson)]
    [InlineData(LogFormat.TraefikClf)]
    public void Random_and_hostile_bytes_are_counted_never_thrown(LogFormat format)
    {
        var counters = new IngestCounters();
        var parser = new LogParser(new LogOptions { Format = format, MaxLineBytes = 1 << 20 }, counters);
        var random = new Random(13);
        var pieces = new[] { "\"", "\\", "[", "]", " ", "{", "}", ":", "\\x", "29/Apr/2026:14:24:29 +0000", "203.0.113.9", "\"request\":{", "200", "-", "ms" };
        var parsed = 0;
        const int lines = 3000;
        for (var i = 0; i < lines; i++)
        {
            var text = new StringBuilder();
            for (var p = random.Next(1, 30); p > 0; p--) text.Append(random.Next(3) == 0 ? ((char)random.Next(0, 0x800)).ToString() : pieces[random.Next(pieces.Length)]);
            if (parser.TryParse(Encoding.UTF8.GetBytes(text.ToString()), out _)) parsed++;
        }
        var huge = new byte[10 * 1024 * 1024];
        random.NextBytes(huge);
        Assert.False(parser.TryParse(huge, out _));

        // Every line is valid UTF-8 (chars below U+0800, no surrogates) but the 10 MB one, which is too long: one reason each.
        Assert.Equal(lines + 1 - parsed, counters.MalformedTotal);
        Assert.Equal(1, counters.Malformed(MalformedReason.LineTooLong));
    }
}

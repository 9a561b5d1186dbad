using Detector.Ingest;
using Detector.Domain;

namespace Detector.Tests.Ingest;

public class LogParserFieldAliasTests
{
    private const string NginxLine =
        """{"time_iso8601":"2026-04-29T14:24:29+02:00","msec":"1777465469.123","remote_addr":"198.51.100.7","request":"GET /remote.php/dav/files/alice/ HTTP/1.1","request_method":"PROPFIND","request_uri":"/remote.php/dav/files/alice/","status":"207","body_bytes_sent":"1834","request_time":"0.042","http_referer":"","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) mirall/3.12.3","http_x_forwarded_for":"","host":"cloud.example.org","server_protocol":"HTTP/1.1"}""";

    [Fact]
    public void Original_design_format_is_accepted()
    {
        var entry = new LogParserFixture().ParseGood(
            """{"source_ip":"203.0.113.9","timestamp":"2026-04-29T14:24:29Z","method":"GET","path":"/x","status":200,"response_size":512}""");

        Assert.Equal(IpKey.Parse("203.0.113.9"), entry.Ip);
        Assert.Equal(LogParserFixture.UnixMs(2026, 4, 29, 14, 24, 29), entry.TimeMs);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/x", entry.Path);
        Assert.Equal(200, entry.Status);
        Assert.Equal(512, entry.Bytes);
        Assert.Equal("-", entry.UserAgent);
    }

    [Fact]
    public void Nginx_variable_names_are_accepted_with_string_numbers()
    {
        var entry = new LogParserFixture().ParseGood(NginxLine);

        Assert.Equal(IpKey.Parse("198.51.100.7"), entry.Ip);
        Assert.Equal(1777465469123, entry.TimeMs);
        Assert.Equal("PROPFIND", entry.Method);
        Assert.Equal("/remote.php/dav/files/alice/", entry.Path);
        Assert.Equal(207, entry.Status);
        Assert.Equal(1834, entry.Bytes);
        Assert.Equal("Mozilla/5.0 (Windows NT 10.0; Win64; x64) mirall/3.12.3", entry.UserAgent);
    }

    [Theory]
    [InlineData("source_ip")]
    [InlineData("remote_addr")]
    [InlineData("client_ip")]
    [InlineData("ip")]
    public void Every_ip_alias_is_read(string name)
    {
        var entry = new LogParserFixture().ParseGood($$"""{"{{name}}":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200}""");
        Assert.Equal(IpKey.Parse("192.0.2.1"), entry.Ip);
    }

    [Theory]
    [InlineData("timestamp", "\"2026-04-29T14:24:29Z\"")]
    [InlineData("time_iso8601", "\"2026-04-29T16:24:29+02:00\"")]
    [InlineData("time", "\"2026-04-29T14:24:29Z\"")]
    [InlineData("time_local", "\"29/Apr/2026:16:24:29 +0200\"")]
    [InlineData("msec", "\"1777472669.000\"")]
    [InlineData("timestamp", "1777472669")]
    [InlineData("timestamp", "\"1777472669\"")]
    public void Every_time_alias_is_read(string name, string value)
    {
        var entry = new LogParserFixture().ParseGood($$"""{"ip":"192.0.2.1","{{name}}":{{value}},"status":200}""");
        Assert.Equal(LogParserFixture.UnixMs(2026, 4, 29, 14, 24, 29), entry.TimeMs);
    }

    [Theory]
    [InlineData("""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,"method":"POST","path":"/a"}""")]
    [InlineData("""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,"request_method":"POST","request_uri":"/a"}""")]
    [InlineData("""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,"request_method":"POST","uri":"/a"}""")]
    public void Every_method_and_path_alias_is_read(string line)
    {
        var entry = new LogParserFixture().ParseGood(line);
        Assert.Equal(("POST", "/a"), (entry.Method, entry.Path));
    }

    [Theory]
    [InlineData("response_size", "512")]
    [InlineData("body_bytes_sent", "\"512\"")]
    [InlineData("bytes_sent", "512")]
    public void Every_bytes_alias_is_read(string name, string value)
    {
        var entry = new LogParserFixture().ParseGood($$"""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,"{{name}}":{{value}}}""");
        Assert.Equal(512, entry.Bytes);
    }

    [Theory]
    [InlineData("http_user_agent")]
    [InlineData("user_agent")]
    public void Every_user_agent_alias_is_read(string name)
    {
        var entry = new LogParserFixture().ParseGood($$"""{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":200,"{{name}}":"curl/8.5.0"}""");
        Assert.Equal("curl/8.5.0", entry.UserAgent);
    }

    [Fact]
    public void Field_names_match_case_insensitively()
    {
        var entry = new LogParserFixture().ParseGood("""{"Remote_Addr":"192.0.2.1","TIME":"2026-04-29T14:24:29Z","Status":404}""");
        Assert.Equal((IpKey.Parse("192.0.2.1"), 404), (entry.Ip, entry.Status));
    }

    [Fact]
    public void Missing_method_path_and_user_agent_become_dashes_and_bytes_zero()
    {
        var entry = new LogParserFixture().ParseGood(
            """{"ip":"192.0.2.1","time":"2026-04-29T14:24:29Z","status":400,"http_user_agent":"","body_bytes_sent":"-"}""");
        Assert.Equal(("-", "-", "-", 0L), (entry.Method, entry.Path, entry.UserAgent, entry.Bytes));
    }

    [Fact]
    public void Unknown_fields_are_skipped_including_nested_objects_and_arrays()
    {
        var entry = new LogParserFixture().ParseGood(
            """{"upstream":{"addr":"10.0.0.1:9000","status":[502,200],"ip":"10.9.9.9"},"ip":"192.0.2.1","tags":[{"status":500}],"time":"2026-04-29T14:24:29Z","status":200,"ssl":true,"gzip":null,"rt":0.5}""");
        Assert.Equal((IpKey.Parse("192.0.2.1"), 200), (entry.Ip, entry.Status));
    }

    [Fact]
    public void Field_map_adds_names_for_canonical_fields()
    {
        var fixture = new LogParserFixture(new() { ["realip"] = "ip", ["when"] = "time", ["code"] = "status", ["agent"] = "user_agent", ["verb"] = "method", ["target"] = "path", ["sent"] = "bytes" });
        var entry = fixture.ParseGood("""{"realip":"192.0.2.44","when":"2026-04-29T14:24:29Z","code":"503","agent":"bot","verb":"PUT","target":"/up","sent":7}""");
        Assert.Equal((IpKey.Parse("192.0.2.44"), 503, "bot", "PUT", "/up", 7L), (entry.Ip, entry.Status, entry.UserAgent, entry.Method, entry.Path, entry.Bytes));
    }

    [Fact]
    public void Field_map_names_win_over_default_aliases_whatever_the_field_order()
    {
        var fixture = new LogParserFixture(new() { ["HTTP_X_REAL_IP"] = "ip" });
        var before = fixture.ParseGood("""{"remote_addr":"10.0.0.1","http_x_real_ip":"192.0.2.9","time":"2026-04-29T14:24:29Z","status":200}""");
        var after = fixture.ParseGood("""{"http_x_real_ip":"192.0.2.9","remote_addr":"10.0.0.1","time":"2026-04-29T14:24:29Z","status":200}""");
        Assert.Equal(IpKey.Parse("192.0.2.9"), before.Ip);
        Assert.Equal(IpKey.Parse("192.0.2.9"), after.Ip);
    }

    [Fact]
    public void Field_map_can_repurpose_or_ignore_a_default_name()
    {
        var fixture = new LogParserFixture(new() { ["ip"] = "ignore", ["addr"] = "ip" });
        var entry = fixture.ParseGood("""{"ip":"not an address","addr":"192.0.2.3","time":"2026-04-29T14:24:29Z","status":200}""");
        Assert.Equal(IpKey.Parse("192.0.2.3"), entry.Ip);
    }

    [Fact]
    public void Field_map_to_an_unknown_canonical_name_fails_at_construction()
    {
        var error = Assert.Throws<ArgumentException>(() => new LogParserFixture(new() { ["addr"] = "address" }));
        Assert.Contains("addr", error.Message);
    }

    [Fact]
    public void Earlier_default_alias_wins_when_a_line_has_two()
    {
        var entry = new LogParserFixture().ParseGood("""{"client_ip":"10.0.0.1","remote_addr":"192.0.2.5","time":"2026-04-29T14:24:29Z","status":200}""");
        Assert.Equal(IpKey.Parse("192.0.2.5"), entry.Ip);
    }
}

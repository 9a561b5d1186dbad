using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using static Detector.Tests.Ingest.Formats.FormatParsing;

namespace Detector.Tests.Ingest.Formats;

/// <summary>
/// Caddy's access log as documented (https://caddyserver.com/docs/caddyfile/directives/log, "structured" example):
/// <c>ts</c> float seconds, nested <c>request</c> with <c>remote_ip</c>/<c>client_ip</c>, <c>method</c>, <c>uri</c>,
/// <c>headers</c> of arrays; <c>status</c> and <c>size</c> at the top.
/// </summary>
public sealed class CaddyJsonParserTests
{
    private const string Documented =
        """{"level":"info","ts":1777472669.5241024,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"203.0.113.9","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/index.php/login?redirect_url=%2F","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Accept-Encoding":["gzip, deflate, br"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["text/html"]}}""";

    [Fact]
    public void The_documented_line_is_read_field_by_field_with_client_ip_preferred_and_milliseconds_kept()
    {
        var entry = Good(LogFormat.CaddyJson, Documented);

        Assert.Equal(IpKey.Parse("203.0.113.9"), entry.Ip);
        Assert.Equal(1777472669524, entry.TimeMs);
        Assert.Equal(("GET", "/index.php/login?redirect_url=%2F", 200, 10900L, "curl/7.82.0"),
            (entry.Method, entry.Path, entry.Status, entry.Bytes, entry.UserAgent));
    }

    [Fact]
    public void Caddy_2_6_without_client_ip_uses_remote_ip_and_ipv6_escaped_quotes_and_missing_agent_work()
    {
        var withAgent = Good(LogFormat.CaddyJson,
            """{"level":"info","ts":1777472669.1,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"2001:db8::9","remote_port":"1","proto":"HTTP/1.1","method":"PROPFIND","host":"h","uri":"/remote.php/dav/\"x\"","headers":{"Accept":["*/*"],"User-Agent":["a \"b\" \u00e9","second"]}},"size":0,"status":207}""");
        var withoutAgent = Good(LogFormat.CaddyJson,
            """{"ts":1777472669,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/","headers":{}},"status":404}""");

        Assert.Equal(IpKey.Parse("2001:db8::9"), withAgent.Ip);
        Assert.Equal("/remote.php/dav/\"x\"", withAgent.Path);
        Assert.Equal("a \"b\" é", withAgent.UserAgent);
        Assert.Equal((404, 0L, "-"), (withoutAgent.Status, withoutAgent.Bytes, withoutAgent.UserAgent));
        Assert.Equal(1777472669000, withoutAgent.TimeMs);
    }

    [Fact]
    public void A_time_format_configured_as_iso8601_is_read_too() =>
        Assert.Equal(UnixMs(2026, 4, 29, 14, 24, 29, 123),
            Good(LogFormat.CaddyJson, """{"ts":"2026-04-29T14:24:29.123Z","request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/"},"status":200}""").TimeMs);

    [Theory]
    [InlineData("""{"level":"error","ts":1777472669.5,"logger":"http.log.error","msg":"dial tcp: connection refused"}""", MalformedReason.MissingIp)]
    [InlineData("""{"ts":1777472669.5,"request":{"remote_ip":"not-an-ip"},"status":200}""", MalformedReason.InvalidIp)]
    [InlineData("""{"request":{"remote_ip":"192.0.2.1"},"status":200}""", MalformedReason.MissingTime)]
    [InlineData("""{"ts":-5,"request":{"remote_ip":"192.0.2.1"},"status":200}""", MalformedReason.InvalidTime)]
    [InlineData("""{"ts":1777472669.5,"request":{"remote_ip":"192.0.2.1"}}""", MalformedReason.InvalidStatus)]
    [InlineData("""{"ts":1777472669.5,"request":{"remote_ip":"192.0.2.1"},"status":200""", MalformedReason.InvalidJson)]
    [InlineData("""{"ts":1777472669.5,"request":{"headers":{"User-Agent":[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]}},"status":200}""", MalformedReason.InvalidJson)]
    [InlineData("""[1,2]""", MalformedReason.NotAnObject)]
    public void Broken_lines_are_counted_by_reason(string line, MalformedReason reason) =>
        Assert.Equal(reason, Bad(LogFormat.CaddyJson, line));
}

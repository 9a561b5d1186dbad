using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using static Detector.Tests.Ingest.Formats.FormatParsing;

namespace Detector.Tests.Ingest.Formats;

/// <summary>
/// Combined and its relatives, with lines in the shapes the servers document: Nginx's predefined <c>combined</c>
/// (<c>$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
/// "$http_user_agent"</c>, https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format; <c>"</c> and <c>\</c>
/// written as <c>\x22</c>, <c>\x5C</c>), Apache's <c>combined</c>, <c>common</c> and <c>vhost_combined</c>
/// (https://httpd.apache.org/docs/2.4/logs.html; <c>%b</c> writes <c>-</c> for no body, quotes as <c>\"</c>), and
/// Traefik's CLF (https://doc.traefik.io/traefik/observability/access-logs/).
/// </summary>
public sealed class CombinedLineParserTests
{
    [Fact]
    public void Nginx_combined_is_read_field_by_field_with_its_hex_escapes_decoded()
    {
        var entry = Good(LogFormat.Combined,
            """203.0.113.9 - - [29/Apr/2026:16:24:29 +0200] "GET /index.php/apps/files/?dir=/Photos&x=%22 HTTP/1.1" 200 612 "https://cloud.example.com/" "Mozilla/5.0 \x22quoted\x22 \x5C back" """);

        Assert.Equal(IpKey.Parse("203.0.113.9"), entry.Ip);
        Assert.Equal(UnixMs(2026, 4, 29, 14, 24, 29), entry.TimeMs);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/index.php/apps/files/?dir=/Photos&x=%22", entry.Path);
        Assert.Equal(200, entry.Status);
        Assert.Equal(612, entry.Bytes);
        Assert.Equal("Mozilla/5.0 \"quoted\" \\ back", entry.UserAgent);
    }

    [Theory]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0" "198.51.100.1" """)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0" 0.004 0.003 cloud.example.com""")]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0" rt=0.004 uct="0.000" """)]
    public void Nginx_variants_that_append_fields_after_the_agent_parse_the_same(string line)
    {
        var entry = Good(LogFormat.Combined, line);

        Assert.Equal(("GET", "/", 200, 612L, "curl/8.5.0"), (entry.Method, entry.Path, entry.Status, entry.Bytes, entry.UserAgent));
        Assert.Equal(UnixMs(2026, 4, 29, 14, 24, 29), entry.TimeMs);
    }

    [Fact]
    public void Apache_combined_with_a_dash_size_and_backslash_escaped_quotes()
    {
        var entry = Good(LogFormat.Combined,
            """192.0.2.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 304 - "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav) \"x\" \\" """);

        Assert.Equal(IpKey.Parse("192.0.2.7"), entry.Ip);
        Assert.Equal(UnixMs(2000, 10, 10, 13, 55, 36, offsetHours: -7), entry.TimeMs);
        Assert.Equal((304, 0L), (entry.Status, entry.Bytes));
        Assert.Equal("Mozilla/4.08 [en] (Win98; I ;Nav) \"x\" \\", entry.UserAgent);
    }

    [Fact]
    public void Apache_common_has_no_referer_or_agent()
    {
        var entry = Good(LogFormat.Combined, """127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326""");

        Assert.Equal(("GET", "/apache_pb.gif", 200, 2326L, "-"), (entry.Method, entry.Path, entry.Status, entry.Bytes, entry.UserAgent));
    }

    [Fact]
    public void Apache_vhost_combined_skips_the_virtual_host_and_port()
    {
        var entry = Good(LogFormat.VhostCombined,
            """cloud.example.com:443 2001:db8::7 - alice [29/Apr/2026:14:24:29 +0000] "PROPFIND /remote.php/dav/files/alice/ HTTP/1.1" 207 1834 "-" "Mozilla/5.0 (Linux) mirall/3.12.0" """);

        Assert.Equal(IpKey.Parse("2001:db8::7"), entry.Ip);
        Assert.Equal(("PROPFIND", "/remote.php/dav/files/alice/", 207), (entry.Method, entry.Path, entry.Status));
        Assert.Equal("Mozilla/5.0 (Linux) mirall/3.12.0", entry.UserAgent);
    }

    [Fact]
    public void Traefik_clf_reads_the_combined_part_and_ignores_count_router_url_and_duration()
    {
        var entry = Good(LogFormat.TraefikClf,
            """2001:db8:4::17 - - [29/Apr/2026:14:24:29 +0000] "POST /login HTTP/2.0" 401 0 "-" "python-requests/2.31 \"spray\"" 4211 "nextcloud@docker" "http://172.18.0.3:80" 7ms""");

        Assert.Equal(IpKey.Parse("2001:db8:4::17"), entry.Ip);
        Assert.Equal(("POST", "/login", 401, 0L), (entry.Method, entry.Path, entry.Status, entry.Bytes));
        Assert.Equal("python-requests/2.31 \"spray\"", entry.UserAgent);
    }

    [Fact]
    public void Traefik_clf_with_missing_referer_agent_and_size_written_as_dashes()
    {
        var entry = Good(LogFormat.TraefikClf,
            """192.0.2.10 - - [29/Apr/2026:14:24:29 +0000] "GET /status.php HTTP/1.1" 200 - "-" "-" 1 "-" "-" 0ms""");

        Assert.Equal(("GET", "/status.php", 200, 0L, "-"), (entry.Method, entry.Path, entry.Status, entry.Bytes, entry.UserAgent));
    }

    [Fact]
    public void A_client_chosen_user_name_with_spaces_brackets_and_quotes_does_not_move_the_fields()
    {
        var entry = Good(LogFormat.Combined,
            """203.0.113.9 - a [b] "c" 200 [29/Apr/2026:14:24:29 +0000] "GET /x HTTP/1.1" 401 12 "-" "agent" """);

        Assert.Equal(IpKey.Parse("203.0.113.9"), entry.Ip);
        Assert.Equal(UnixMs(2026, 4, 29, 14, 24, 29), entry.TimeMs);
        Assert.Equal(("GET", "/x", 401, 12L, "agent"), (entry.Method, entry.Path, entry.Status, entry.Bytes, entry.UserAgent));
    }

    [Fact]
    public void A_request_nginx_could_not_read_is_kept_with_its_address_and_status()
    {
        var empty = Good(LogFormat.Combined, """203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "-" 400 0 "-" "-" """);
        var tls = Good(LogFormat.Combined, """203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "\x16\x03\x01\x00\xF7\x01" 400 157 "-" "-" """);

        Assert.Equal((400, "-"), (empty.Status, empty.Path));
        Assert.Equal(400, tls.Status);
        Assert.Equal(IpKey.Parse("203.0.113.9"), tls.Ip);
    }

    [Theory]
    [InlineData("""- - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 1 "-" "-" """, MalformedReason.MissingIp)]
    [InlineData("""010.0.0.1 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 1 "-" "-" """, MalformedReason.InvalidIp)]
    [InlineData("""203.0.113.9 - - "GET / HTTP/1.1" 200 1 "-" "-" """, MalformedReason.MissingTime)]
    [InlineData("""203.0.113.9 - - [31/Feb/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 1 "-" "-" """, MalformedReason.InvalidTime)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:2""", MalformedReason.InvalidTime)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 999 1 "-" "-" """, MalformedReason.InvalidStatus)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" """, MalformedReason.InvalidStatus)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] GET / HTTP/1.1 200 1""", MalformedReason.NotInFormat)]
    [InlineData("""203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1 200 1""", MalformedReason.NotInFormat)]
    [InlineData("""{"remote_addr":"203.0.113.9"}""", MalformedReason.InvalidIp)]
    public void Broken_lines_are_counted_by_reason(string line, MalformedReason reason) =>
        Assert.Equal(reason, Bad(LogFormat.Combined, line));

    [Fact]
    public void A_vhost_combined_line_without_a_client_field_is_not_in_format() =>
        Assert.Equal(MalformedReason.NotInFormat, Bad(LogFormat.VhostCombined, "cloud.example.com:443"));

    [Fact]
    public void A_combined_line_in_a_file_configured_as_json_is_invalid_json() =>
        Assert.Equal(MalformedReason.InvalidJson,
            Bad(LogFormat.Json, """203.0.113.9 - - [29/Apr/2026:14:24:29 +0000] "GET / HTTP/1.1" 200 612 "-" "-" """));
}

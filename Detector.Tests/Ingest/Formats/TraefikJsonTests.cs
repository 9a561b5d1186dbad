using Detector.Configuration;
using Detector.Domain;
using Detector.Ingest;
using static Detector.Tests.Ingest.Formats.FormatParsing;

namespace Detector.Tests.Ingest.Formats;

/// <summary>
/// Traefik's JSON access log with the field names of its documentation
/// (https://doc.traefik.io/traefik/observability/access-logs/#list-of-all-available-fields): <c>ClientHost</c>,
/// <c>StartUTC</c>, <c>RequestMethod</c>, <c>RequestPath</c>, <c>DownstreamStatus</c>, <c>DownstreamContentSize</c>, and
/// <c>request_User-Agent</c> only when that header is kept.
/// </summary>
public sealed class TraefikJsonTests
{
    [Fact]
    public void A_documented_line_is_read_with_StartUTC_not_the_write_time()
    {
        var entry = Good(LogFormat.TraefikJson,
            """{"ClientAddr":"[2001:db8::7]:51234","ClientHost":"2001:db8::7","ClientPort":"51234","ClientUsername":"-","DownstreamContentSize":1834,"DownstreamStatus":207,"Duration":2841230,"OriginContentSize":1834,"OriginDuration":2780000,"OriginStatus":207,"Overhead":61230,"RequestAddr":"cloud.example.com","RequestContentSize":0,"RequestCount":42,"RequestHost":"cloud.example.com","RequestMethod":"PROPFIND","RequestPath":"/remote.php/dav/files/alice/","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"https","RetryAttempts":0,"RouterName":"nextcloud@docker","ServiceAddr":"172.18.0.3:80","ServiceName":"nextcloud@docker","StartLocal":"2026-04-29T16:24:29.123456789+02:00","StartUTC":"2026-04-29T14:24:29.123456789Z","entryPointName":"websecure","level":"info","msg":"","request_User-Agent":"Mozilla/5.0 (Linux) mirall/3.12.0 \"q\"","time":"2026-04-29T16:24:31+02:00"}""");

        Assert.Equal(IpKey.Parse("2001:db8::7"), entry.Ip);
        Assert.Equal(UnixMs(2026, 4, 29, 14, 24, 29, 123), entry.TimeMs);
        Assert.Equal(("PROPFIND", "/remote.php/dav/files/alice/", 207, 1834L), (entry.Method, entry.Path, entry.Status, entry.Bytes));
        Assert.Equal("Mozilla/5.0 (Linux) mirall/3.12.0 \"q\"", entry.UserAgent);
    }

    [Fact]
    public void Default_fields_without_the_agent_header_and_with_a_missing_size()
    {
        var entry = Good(LogFormat.TraefikJson,
            """{"ClientHost":"192.0.2.10","DownstreamStatus":401,"RequestMethod":"POST","RequestPath":"/login","StartUTC":"2026-04-29T14:24:29Z","time":"2026-04-29T14:24:30Z"}""");

        Assert.Equal((401, 0L, "-", "POST"), (entry.Status, entry.Bytes, entry.UserAgent, entry.Method));
    }

    [Theory]
    [InlineData("""{"ClientHost":"-","DownstreamStatus":200,"StartUTC":"2026-04-29T14:24:29Z"}""", MalformedReason.MissingIp)]
    [InlineData("""{"ClientHost":"[2001:db8::7]","DownstreamStatus":200,"StartUTC":"2026-04-29T14:24:29Z"}""", MalformedReason.InvalidIp)]
    [InlineData("""{"ClientHost":"192.0.2.1","DownstreamStatus":200}""", MalformedReason.MissingTime)]
    [InlineData("""{"ClientHost":"192.0.2.1","DownstreamStatus":0,"StartUTC":"2026-04-29T14:24:29Z"}""", MalformedReason.InvalidStatus)]
    public void Broken_lines_are_counted_by_reason(string line, MalformedReason reason) =>
        Assert.Equal(reason, Bad(LogFormat.TraefikJson, line));
}

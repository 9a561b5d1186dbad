using System.Text;
using Detector.Domain;
using Detector.Ingest;
using Detector.Ingest.Nextcloud;

namespace Detector.Tests.Ingest.Nextcloud;

/// <summary>
/// Lines of <c>nextcloud.log</c> as Nextcloud writes them. The entry's fields are those of
/// lib/private/Log/LogDetails.php (reqId, level, time, remoteAddr, user, app, method, url, message, userAgent, version;
/// <c>time</c> in <c>logdateformat</c>, default <c>DateTimeInterface::ATOM</c>, in <c>logtimezone</c>, default UTC).
/// The messages: lib/private/User/Session.php handleLoginFailed (<c>Login failed: '{user}' (Remote IP: '{addr}')</c>,
/// warning), lib/private/Authentication/Login/LoggedInCheckCommand.php (<c>Login failed: {user} (Remote IP: {addr})</c>,
/// warning), lib/private/Security/Bruteforce/Throttler.php (registerAttempt, sleepDelayOrThrowOnMax; notice/info).
/// </summary>
public sealed class NextcloudLogParserTests
{
    private readonly NextcloudCounters _counters = new();

    private static string Line(string message, string remoteAddr = "203.0.113.9", string time = "2026-04-29T14:24:29+00:00",
        string method = "PROPFIND", string url = "/remote.php/dav/files/alice/") =>
        $$$"""{"reqId":"ZK3mN8qT1vWc2xYb","level":2,"time":"{{{time}}}","remoteAddr":"{{{remoteAddr}}}","user":"--","app":"core","method":"{{{method}}}","url":"{{{url}}}","message":{{{message}}},"userAgent":"Mozilla/5.0 (Linux) mirall/3.12.3 (Nextcloud)","version":"29.0.2.2","data":{"app":"core"}}""";

    private (MalformedReason? Reason, NextcloudLine Kind, LoginFailure Failure) Parse(string line)
    {
        var parser = new NextcloudLogParser(64 * 1024, _counters);
        var reason = parser.Parse(Encoding.UTF8.GetBytes(line), out var kind, out var failure);
        return (reason, kind, failure);
    }

    private static long Ms(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Fact]
    public void A_basic_auth_failure_as_Session_php_writes_it_gives_the_address_the_name_and_the_time()
    {
        var (reason, kind, failure) = Parse(Line("\"Login failed: 'alice' (Remote IP: '203.0.113.9')\""));

        Assert.Null(reason);
        Assert.Equal(NextcloudLine.FailedLogin, kind);
        Assert.Equal(new LoginFailure(Ms("2026-04-29T14:24:29Z"), IpKey.Parse("203.0.113.9"), "alice"), failure);
    }

    [Fact]
    public void A_login_form_failure_as_LoggedInCheckCommand_writes_it_has_no_quotes()
    {
        var (reason, kind, failure) = Parse(Line("\"Login failed: alice@example.org (Remote IP: 198.51.100.20)\"",
            remoteAddr: "198.51.100.20", method: "POST", url: "/login"));

        Assert.Null(reason);
        Assert.Equal(NextcloudLine.FailedLogin, kind);
        Assert.Equal("alice@example.org", failure.Account);
        Assert.Equal(IpKey.Parse("198.51.100.20"), failure.Ip);
    }

    [Fact]
    public void An_IPv6_client_and_an_offset_time_are_read_as_one_address_and_UTC()
    {
        var (reason, _, failure) = Parse(Line("\"Login failed: 'bob' (Remote IP: '2001:db8:0:1::7')\"", remoteAddr: "2001:db8:0:1::7",
            time: "2026-04-29T16:24:29+02:00"));

        Assert.Null(reason);
        Assert.Equal(IpKey.Parse("2001:db8:0:1:0:0:0:7"), failure.Ip);
        Assert.Equal(Ms("2026-04-29T14:24:29Z"), failure.TimeMs);
    }

    [Fact]
    public void Escaped_quotes_and_the_marker_itself_in_a_login_name_stay_in_the_name()
    {
        // The name is the client's: JSON-escaped quotes, a backslash, and the text Nextcloud appends after it.
        var (reason, _, failure) = Parse(Line(
            "\"Login failed: 'ev\\\"il\\\\' (Remote IP: '1.2.3.4') x' (Remote IP: '203.0.113.9')\""));

        Assert.Null(reason);
        Assert.Equal("ev\"il\\' (Remote IP: '1.2.3.4') x", failure.Account);
        Assert.Equal(IpKey.Parse("203.0.113.9"), failure.Ip);
    }

    [Fact]
    public void Without_remoteAddr_the_address_in_the_message_is_used()
    {
        var line = """{"reqId":"a","level":2,"time":"2026-04-29T14:24:29+00:00","user":"--","app":"core","message":"Login failed: 'carol' (Remote IP: '192.0.2.44')"}""";

        var (reason, _, failure) = Parse(line);

        Assert.Null(reason);
        Assert.Equal(IpKey.Parse("192.0.2.44"), failure.Ip);
        Assert.Equal("carol", failure.Account);
    }

    [Theory]
    [InlineData("""{"time":"2026-04-29T14:24:29+00:00","remoteAddr":"--","message":"Login failed: 'x'"}""", MalformedReason.MissingIp)]
    [InlineData("""{"time":"2026-04-29T14:24:29+00:00","remoteAddr":"not-an-address","message":"Login failed: 'x' (Remote IP: 'nor this')"}""", MalformedReason.InvalidIp)]
    [InlineData("""{"time":"2026-04-29T14:24:29+00:00","remoteAddr":"203.0.113.300","message":"Login failed: 'x' (Remote IP: '203.0.113.300')"}""", MalformedReason.InvalidIp)]
    [InlineData("""{"remoteAddr":"203.0.113.9","message":"Login failed: 'x' (Remote IP: '203.0.113.9')"}""", MalformedReason.MissingTime)]
    [InlineData("""{"time":"29/04/2026 14:24","remoteAddr":"203.0.113.9","message":"Login failed: 'x' (Remote IP: '203.0.113.9')"}""", MalformedReason.InvalidTime)]
    [InlineData("""{"time":"2026-04-29T14:24:29+00:00","remoteAddr":"203.0.113.9","message":"Login failed: 'x' (Remote""", MalformedReason.InvalidJson)]
    [InlineData("""["Login failed: 'x' (Remote IP: '203.0.113.9')"]""", MalformedReason.NotAnObject)]
    [InlineData("""Login failed: 'x' (Remote IP: '203.0.113.9')""", MalformedReason.InvalidJson)]
    public void A_failed_login_without_a_usable_address_or_time_or_a_broken_line_is_malformed_by_reason(string line, MalformedReason expected)
    {
        Assert.Equal(expected, Parse(line).Reason);
    }

    [Fact]
    public void The_account_comes_from_the_message_whatever_the_user_field_says()
    {
        // "user" is whoever is logged in for the request: "--" for a failed login, or someone else entirely.
        var line = """{"time":"2026-04-29T14:24:29+00:00","remoteAddr":"203.0.113.9","user":"bob","message":"Login failed: 'alice' (Remote IP: '203.0.113.9')"}""";
        Assert.Equal("alice", Parse(line).Failure.Account);

        var (reason, _, failure) = Parse(Line("\"Login failed: '' (Remote IP: '203.0.113.9')\""));
        Assert.Null(reason);
        Assert.Equal("", failure.Account);
    }

    [Fact]
    public void A_message_object_of_an_older_exception_entry_is_no_failed_login()
    {
        var line = Line("""{"Exception":"OC\\ServerNotAvailableException","Message":"Login failed: 'x' (Remote IP: '203.0.113.9')","Code":0,"Trace":[{"file":"/var/www/x.php","line":1}],"CustomMessage":"--"}""");

        var (reason, kind, _) = Parse(line);

        Assert.Null(reason);
        Assert.Equal(NextcloudLine.Other, kind);
    }

    [Theory]
    [InlineData("Bruteforce attempt from \\\"203.0.113.9\\\" detected for action \\\"login\\\".", NextcloudLine.BruteforceAttempt)]
    [InlineData("IP address throttled because it reached the attempts limit in the last 30 minutes [action: login, delay: 1600, ip: 203.0.113.9]", NextcloudLine.Throttled)]
    [InlineData("IP address blocked because it reached the maximum failed attempts in the last 30 minutes [action: login, ip: 203.0.113.9]", NextcloudLine.Blocked)]
    [InlineData("Could not find resource index.php to load", NextcloudLine.Other)]
    public void The_throttlers_lines_and_other_messages_are_told_apart(string message, NextcloudLine expected)
    {
        var (reason, kind, _) = Parse(Line($"\"{message}\""));

        Assert.Null(reason);
        Assert.Equal(expected, kind);
    }

    [Fact]
    public void Epoch_seconds_with_a_fraction_are_read_as_a_time()
    {
        var line = """{"time":1777472669.25,"remoteAddr":"203.0.113.9","message":"Login failed: 'x' (Remote IP: '203.0.113.9')"}""";

        Assert.Equal(1_777_472_669_250, Parse(line).Failure.TimeMs);
    }

    [Fact]
    public void A_very_long_login_name_is_cut_and_a_too_long_line_refused()
    {
        var name = new string('a', 5000);
        var (_, _, failure) = Parse(Line($"\"Login failed: '{name}' (Remote IP: '203.0.113.9')\""));
        Assert.Equal(NextcloudLogParser.MaxAccountLength, failure.Account.Length);

        var parser = new NextcloudLogParser(256, _counters);
        Assert.Equal(MalformedReason.LineTooLong, parser.Parse(Encoding.UTF8.GetBytes(Line($"\"Login failed: '{name}'\"")), out _, out _));
    }

    [Fact]
    public void A_batch_gives_its_failed_logins_in_order_and_counts_every_line()
    {
        var parser = new NextcloudLogParser(64 * 1024, _counters);
        var batch = parser.Parse(LineBatch.FromLines([
            Line("\"Login failed: 'alice' (Remote IP: '203.0.113.9')\""),
            Line("\"Bruteforce attempt from \\\"203.0.113.9\\\" detected for action \\\"login\\\".\""),
            "{broken",
            Line("\"Login failed: bob (Remote IP: 203.0.113.10)\"", remoteAddr: "203.0.113.10"),
            Line("\"Some other warning\""),
        ]));

        Assert.Equal(["alice", "bob"], batch.Logins!.Select(l => l.Account));
        Assert.Equal(0, batch.Count);
        Assert.Equal(2, _counters.FailedLogins);
        Assert.Equal(1, _counters.Lines(NextcloudLine.BruteforceAttempt));
        Assert.Equal(1, _counters.Lines(NextcloudLine.Other));
        Assert.Equal(1, _counters.Malformed(MalformedReason.InvalidJson));
    }
}

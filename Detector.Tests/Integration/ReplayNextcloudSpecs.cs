using System.Globalization;
using System.Text.Json;
using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Host.Verbs;
using Detector.Simulation;

namespace Detector.Tests.Integration;

/// <summary>
/// The replay verb over access logs plus Nextcloud's own log, merged in event time: a distributed attack on one account
/// raises the account ALERT, a user mistyping three times does not, and the one address that attacks in both logs is
/// banned with both reasons. The nextcloud.log lines are written as lib/private/Log/LogDetails.php builds them, with the
/// messages of lib/private/User/Session.php (handleLoginFailed) and
/// lib/private/Authentication/Login/LoggedInCheckCommand.php.
/// </summary>
public sealed class ReplayNextcloudSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00", CultureInfo.InvariantCulture);
    private static readonly IpKey BothLogs = IpKey.Parse("203.0.113.66");
    private static readonly IpKey Mistyper = IpKey.Parse("192.0.2.20");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-nextcloud-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_distributed_attack_on_one_account_is_alerted_a_mistyping_user_is_not_and_an_address_in_both_logs_is_banned_for_both()
    {
        var access = Path.Combine(_dir.FullName, "access.json.log");
        new TrafficScenario(seed: 31, Start)
            .WithClients(150, ipv6Share: 0.2, meanTotalRatePerSecond: 8)
            .WriteTo(access, TimeSpan.FromMinutes(20));
        var attempts = Path.Combine(_dir.FullName, "logins.access.log");
        var nextcloud = Path.Combine(_dir.FullName, "nextcloud.log");
        WriteAttack(attempts, nextcloud);

        var options = new DetectorOptions();
        options.Log.Paths = [access, attempts];
        options.Log.NextcloudLogs = [nextcloud];
        var auditPath = Path.Combine(_dir.FullName, "audit.log");
        var summary = new StringWriter();
        Assert.Equal(0, await ReplayCommand.RunAsync(options, auditPath, summary, TestContext.Current.CancellationToken));

        var audit = File.ReadLines(auditPath).Select(l => AuditEvent.TryParse(l)!).ToList();
        var alice = AccountNames.Pseudonym("alice");
        var alert = Assert.Single(audit, e => e.Action == AuditAction.Alert && e.Subject.StartsWith("account:", StringComparison.Ordinal));
        Assert.Equal($"account:{alice}", alert.Subject);
        Assert.Equal("account_failed_logins>=12/900s_networks>=6", alert.Condition);
        Assert.Equal("user=\"alice\"", alert.Duration);
        // The twelfth failure within 900 s: ten botnet guesses and 203.0.113.66's first two.
        Assert.Equal("failures=12 addresses=11 networks=11 max_per_address=2", alert.Baseline);
        Assert.Equal(Start.AddMinutes(5).AddSeconds(9 * 20).ToUnixTimeSeconds(), alert.At);

        var bans = audit.Where(e => e.Action == AuditAction.Ban).ToList();
        var ban = Assert.Single(bans, b => b.Subject == BothLogs.ToString());
        Assert.Equal($"ip_auth_failures>=3/900s+account_campaign:{alice}", ban.Condition);
        // The botnet's other addresses tried only the login form (303 in the access log): no misbehaviour there.
        Assert.DoesNotContain(bans, b => b.Condition.Contains("account_campaign", StringComparison.Ordinal) && b.Subject != BothLogs.ToString());
        Assert.DoesNotContain(audit, e => e.Subject == Mistyper.ToString() || e.Subject == $"account:{AccountNames.Pseudonym("bob")}");

        Assert.Contains($"nextcloud_log: {nextcloud}", summary.ToString());
        Assert.Contains("nextcloud_failed_logins: 23", summary.ToString());
        Assert.Contains("account_alerts: 1", summary.ToString());
        Assert.Contains("nextcloud_malformed: 3 (missing_ip=1, implausible_time=2)", summary.ToString());
    }

    /// <summary>
    /// From 13:05, sixteen botnet addresses try "alice" on the login form, one every 20 s (one attempt each, a 303 in the
    /// access log); 203.0.113.66 tries her over WebDAV four times, a 401 each; 192.0.2.20 mistypes bob's password three
    /// times. Plus Nextcloud's other lines: an unrelated warning and a failed login without any address.
    /// </summary>
    private static void WriteAttack(string accessPath, string nextcloudPath)
    {
        var lines = new List<(DateTimeOffset At, string Access, string Nextcloud)>();
        for (var i = 0; i < 16; i++)
        {
            var at = Start.AddMinutes(5).AddSeconds(20 * i);
            var ip = $"198.51.{100 + i}.{7 + i}";
            lines.Add((at, Access(at, ip, "POST", "/login", 303), Nextcloud(at, ip, $"Login failed: alice (Remote IP: {ip})", "POST", "/login")));
        }
        for (var i = 0; i < 4; i++)
        {
            var at = Start.AddMinutes(6).AddSeconds(90 * i + 5);
            var ip = BothLogs.ToString();
            lines.Add((at, Access(at, ip, "PROPFIND", "/remote.php/dav/files/alice/", 401),
                Nextcloud(at, ip, $"Login failed: 'alice' (Remote IP: '{ip}')", "PROPFIND", "/remote.php/dav/files/alice/")));
        }
        for (var i = 0; i < 3; i++)
        {
            var at = Start.AddMinutes(7).AddSeconds(12 * i);
            var ip = Mistyper.ToString();
            lines.Add((at, Access(at, ip, "POST", "/login", 303), Nextcloud(at, ip, $"Login failed: bob (Remote IP: {ip})", "POST", "/login")));
        }
        var other = Start.AddMinutes(8);
        lines.Add((other, "", Nextcloud(other, "192.0.2.30", "Could not find resource index.php to load", "GET", "/index.php")));
        lines.Add((other, "", """{"reqId":"x","level":2,"time":"2026-04-29T13:08:00+00:00","remoteAddr":"","user":"--","app":"core","message":"Login failed: 'eve'"}"""));
        lines.Sort((a, b) => a.At.CompareTo(b.At));
        File.WriteAllLines(accessPath, lines.Where(l => l.Access.Length > 0).Select(l => l.Access));
        // Last, two failed logins dated where no login can be: turned down, neither blinding nor stalling anything.
        File.WriteAllLines(nextcloudPath, lines.Select(l => l.Nextcloud).Concat([
            Nextcloud(DateTimeOffset.Parse("9999-12-31T23:59:59Z", CultureInfo.InvariantCulture), "198.51.100.1", "Login failed: 'alice' (Remote IP: '198.51.100.1')", "GET", "/"),
            Nextcloud(DateTimeOffset.UnixEpoch, "198.51.100.2", "Login failed: 'alice' (Remote IP: '198.51.100.2')", "GET", "/"),
        ]));
    }

    private static string Access(DateTimeOffset at, string ip, string method, string path, int status) =>
        ServerLogLines.Write(new AccessLogEntry(IpKey.Parse(ip), at.ToUnixTimeMilliseconds(), method, path, status, 0, "Mozilla/5.0"), LogFormat.Combined);

    private static string Nextcloud(DateTimeOffset at, string ip, string message, string method, string url) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["reqId"] = "aB3dE5fG7hJ9kL1m", ["level"] = 2, ["time"] = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["remoteAddr"] = ip, ["user"] = "--", ["app"] = "core", ["method"] = method, ["url"] = url, ["message"] = message,
            ["userAgent"] = "Mozilla/5.0 (X11; Linux x86_64)", ["version"] = "29.0.2.2",
        });
}

using Detector.Audit;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Simulation;
using Detector.Domain;
using Detector.Host.Verbs;

namespace Detector.Tests.Integration;

/// <summary>The replay verb over generated Nextcloud logs: whole pipeline, event time, audit file.</summary>
public sealed class ReplayEndToEndSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00");
    private static readonly IpKey Attacker = IpKey.Parse("203.0.113.9");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-e2e-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(List<AuditEvent> Events, string Summary, byte[] Audit)> ReplayAsync(string log, string name)
    {
        var options = new DetectorOptions();
        options.Log.Path = log;
        var audit = Path.Combine(_dir.FullName, name);
        var summary = new StringWriter();
        var exit = await ReplayCommand.RunAsync(options, audit, summary, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var events = File.ReadLines(audit).Select(l => AuditEvent.TryParse(l) ?? throw new Xunit.Sdk.XunitException($"not an audit line: {l}")).ToList();
        return (events, summary.ToString(), File.ReadAllBytes(audit));
    }

    private string Write(TrafficScenario scenario, TimeSpan duration)
    {
        var path = Path.Combine(_dir.FullName, "access.log");
        scenario.WriteTo(path, duration);
        return path;
    }

    [Fact]
    public async Task Flood_after_forty_minutes_of_normal_traffic_is_banned_within_ten_seconds_and_nobody_else_is()
    {
        var floodStart = TimeSpan.FromMinutes(40);
        var log = Write(new TrafficScenario(seed: 11, Start)
            .WithClients(300, ipv6Share: 0.1, meanTotalRatePerSecond: 15)
            .WithFlood(Attacker, floodStart, TimeSpan.FromMinutes(2), ratePerSecond: 200), TimeSpan.FromMinutes(45));

        var (events, summary, _) = await ReplayAsync(log, "audit.log");

        var bans = events.Where(e => e.Action == AuditAction.Ban).ToList();
        var ban = Assert.Single(bans);
        Assert.Equal(Attacker.ToString(), ban.Subject);
        var floodStartSecond = (Start + floodStart).ToUnixTimeSeconds();
        Assert.InRange(ban.At, floodStartSecond, floodStartSecond + 10);
        Assert.Contains("bans: 1", summary);
        Assert.Contains(events, e => e.Action == AuditAction.Baseline);
    }

    [Fact]
    public async Task Quiet_period_with_a_small_burst_bans_nobody()
    {
        // Three clients at night (a sync client's polls, a monitoring probe), then one browser page load.
        var log = Path.Combine(_dir.FullName, "quiet.log");
        var lines = new List<string>();
        var t0 = Start.ToUnixTimeSeconds();
        for (var s = 0; s < 3600; s += 30) lines.Add(Line("192.0.2.10", t0 + s, "PROPFIND", "/remote.php/dav/files/alice/", 207));
        for (var s = 0; s < 3600; s += 60) lines.Add(Line("192.0.2.11", t0 + s, "GET", "/status.php", 200));
        for (var i = 0; i < 40; i++) lines.Add(Line("192.0.2.12", t0 + 1800 + i / 20, "GET", $"/apps/files/js/chunk-{i}.js", 200));
        File.WriteAllLines(log, lines.OrderBy(l => l, StringComparer.Ordinal));

        var (events, summary, _) = await ReplayAsync(log, "audit.log");

        Assert.DoesNotContain(events, e => e.Action is AuditAction.Ban or AuditAction.Alert);
        Assert.Contains("bans: 0", summary);
    }

    [Fact]
    public async Task Replay_of_the_same_log_writes_a_byte_identical_audit_file()
    {
        var log = Write(new TrafficScenario(seed: 5, Start)
            .WithClients(200, meanTotalRatePerSecond: 12)
            .WithFlood(Attacker, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(1), 150)
            .WithFlood(IpKey.Parse("2001:db8:bad::1"), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(1), 100), TimeSpan.FromMinutes(30));

        var first = await ReplayAsync(log, "first.log");
        var second = await ReplayAsync(log, "second.log");

        Assert.True(first.Events.Count(e => e.Action == AuditAction.Ban) >= 2);
        Assert.Equal(first.Audit, second.Audit);
    }

    [Fact]
    public async Task Malformed_lines_are_counted_and_the_next_good_line_is_processed()
    {
        var log = Path.Combine(_dir.FullName, "mixed.log");
        var t0 = Start.ToUnixTimeSeconds();
        File.WriteAllLines(log,
        [
            Line("192.0.2.1", t0, "GET", "/", 200),
            "not json at all",
            "{\"remote_addr\":\"999.1.1.1\",\"time_iso8601\":\"2026-04-29T13:00:01+00:00\",\"status\":\"200\"}",
            "{\"remote_addr\":\"192.0.2.1\",\"ti",
            Line("192.0.2.1", t0 + 2, "GET", "/", 200),
        ]);

        var (_, summary, _) = await ReplayAsync(log, "audit.log");

        Assert.Contains("lines: 5", summary);
        Assert.Contains("entries: 2", summary);
        Assert.Contains("malformed: 3", summary);
        Assert.Contains("invalid_ip=1", summary);
    }

    private static string Line(string ip, long second, string method, string path, int status) =>
        $"{{\"time_iso8601\":\"{DateTimeOffset.FromUnixTimeSeconds(second):yyyy-MM-ddTHH:mm:ss}+00:00\",\"remote_addr\":\"{ip}\",\"request_method\":\"{method}\",\"request_uri\":\"{path}\",\"status\":\"{status}\",\"body_bytes_sent\":\"512\",\"http_user_agent\":\"test\"}}";
}

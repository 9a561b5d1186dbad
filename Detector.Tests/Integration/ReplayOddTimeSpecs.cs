using Detector.Audit;
using Detector.Configuration;
using Detector.Domain;
using Detector.Host.Verbs;
using Detector.Simulation;

namespace Detector.Tests.Integration;

/// <summary>
/// The replay verb on logs dated where no traffic can be (issue 10, item 1): a line in year 9999, a first line at
/// epoch 0, a file without a valid line, a stream that jumps days ahead. Each finishes with exit 0 and its counts,
/// and the traffic around the odd line is still judged.
/// </summary>
public sealed class ReplayOddTimeSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-04-29T13:00:00+00:00");
    private static readonly IpKey Attacker = IpKey.Parse("203.0.113.9");
    /// <summary>A replay that walked a gap second by second would run for minutes; these take a second or two.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-oddtime-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Line(long unixMs, string ip = "198.51.100.5") =>
        $$"""{"msec":"{{unixMs / 1000}}.{{unixMs % 1000:D3}}","remote_addr":"{{ip}}","request_method":"GET","request_uri":"/","status":"200"}""";

    private static long UnixMs(string iso) => DateTimeOffset.Parse(iso).ToUnixTimeMilliseconds();

    private List<string> FloodLog(DateTimeOffset start)
    {
        var path = Path.Combine(_dir.FullName, $"scenario-{start.ToUnixTimeSeconds()}.log");
        new TrafficScenario(seed: 5, start)
            .WithClients(100, ipv6Share: 0.1, meanTotalRatePerSecond: 8)
            .WithFlood(Attacker, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(1), ratePerSecond: 150)
            .WriteTo(path, TimeSpan.FromMinutes(10));
        return File.ReadAllLines(path).ToList();
    }

    private async Task<(List<AuditEvent> Events, string Summary)> ReplayAsync(IEnumerable<string> lines)
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        await File.WriteAllLinesAsync(log, lines, TestContext.Current.CancellationToken);
        var options = new DetectorOptions();
        options.Log.Path = log;
        var audit = Path.Combine(_dir.FullName, "audit.log");
        var summary = new StringWriter();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Bound);
        var exit = await ReplayCommand.RunAsync(options, audit, summary, bound.Token).WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var events = File.ReadLines(audit).Select(l => AuditEvent.TryParse(l) ?? throw new Xunit.Sdk.XunitException($"not an audit line: {l}")).ToList();
        return (events, summary.ToString());
    }

    private static void AssertAttackerBannedAndAllInItsYear(List<AuditEvent> events)
    {
        Assert.Equal(Attacker.ToString(), Assert.Single(events, e => e.Action == AuditAction.Ban).Subject);
        Assert.All(events, e => Assert.Equal(2026, DateTimeOffset.FromUnixTimeSeconds(e.At).Year));
    }

    [Fact]
    public async Task A_year_9999_line_in_the_middle_is_rejected_and_the_flood_after_it_is_still_banned()
    {
        var lines = FloodLog(Start);
        lines.Insert(lines.Count / 3, Line(UnixMs("9999-12-31T23:59:59.500Z")));

        var (events, summary) = await ReplayAsync(lines);

        AssertAttackerBannedAndAllInItsYear(events);
        Assert.Contains("implausible_time=1", summary);
        Assert.Contains("too_late: 0", summary);
    }

    [Fact]
    public async Task A_first_line_at_epoch_0_or_1_is_rejected_and_the_replay_starts_with_the_traffic()
    {
        var lines = FloodLog(Start);
        lines.InsertRange(0, [Line(0), Line(1_000)]);

        var (events, summary) = await ReplayAsync(lines);

        AssertAttackerBannedAndAllInItsYear(events);
        Assert.Contains("implausible_time=2", summary);
    }

    [Fact]
    public async Task A_first_line_a_few_years_ahead_is_rejected_once_the_next_lines_agree_on_the_present()
    {
        var lines = FloodLog(Start);
        lines.Insert(0, Line(UnixMs("2031-01-01T00:00:00Z")));

        var (events, summary) = await ReplayAsync(lines);

        AssertAttackerBannedAndAllInItsYear(events);
        Assert.Contains("implausible_time=1", summary);
        Assert.Contains("too_late: 0", summary);
    }

    [Fact]
    public async Task A_file_without_a_valid_line_ends_normally_with_its_counts()
    {
        var (events, summary) = await ReplayAsync(Enumerable.Range(0, 5000).Select(i => i % 2 == 0 ? $"garbage {i}" : """{"remote_addr":"198.51.100.5"}"""));

        Assert.Empty(events);
        Assert.Contains("lines: 5000", summary);
        Assert.Contains("entries: 0", summary);
        Assert.Contains("malformed: 5000 (invalid_json=2500, missing_time=2500)", summary);
    }

    [Fact]
    public async Task Two_logs_days_apart_are_both_judged_the_jump_confirmed_by_the_lines_after_it()
    {
        var later = Start.AddDays(3);
        var lines = FloodLog(Start).Concat(FloodLog(later)).ToList();

        var (events, summary) = await ReplayAsync(lines);

        var bans = events.Where(e => e.Action == AuditAction.Ban).ToList();
        Assert.Equal(2, bans.Count);
        Assert.Contains(bans, b => b.At >= later.ToUnixTimeSeconds());
        Assert.DoesNotContain("implausible_time", summary);
        // The gap costs one recompute after it, not a BASELINE line per minute of three days.
        Assert.InRange(events.Count(e => e.Action == AuditAction.Baseline), 1, 30);
    }
}

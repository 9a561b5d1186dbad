using System.Diagnostics;
using Detector.Audit;
using Detector.Configuration;
using Detector.Host.Verbs;

namespace Detector.Tests.Integration;

/// <summary>Event-time gaps cost the replay their events, not their length.</summary>
public sealed class ReplayGapSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-gap-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(List<AuditEvent> Events, TimeSpan Elapsed)> ReplayAsync(params string[] isoTimes) =>
        await ReplayAsync(_ => { }, isoTimes);

    private async Task<(List<AuditEvent> Events, TimeSpan Elapsed)> ReplayAsync(Action<DetectorOptions> configure, params string[] isoTimes)
    {
        var log = Path.Combine(_dir.FullName, "access.log");
        File.WriteAllLines(log, isoTimes.Select(t =>
            $"{{\"time_iso8601\":\"{t}\",\"remote_addr\":\"192.0.2.1\",\"request_method\":\"GET\",\"request_uri\":\"/\",\"status\":\"200\",\"body_bytes_sent\":\"512\",\"http_user_agent\":\"test\"}}"));
        var options = new DetectorOptions();
        options.Log.Path = log;
        configure(options);
        var audit = Path.Combine(_dir.FullName, "audit.log");
        var watch = Stopwatch.StartNew();
        var exit = await ReplayCommand.RunAsync(options, audit, new StringWriter(), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        watch.Stop();
        Assert.Equal(0, exit);
        var events = File.Exists(audit) ? File.ReadLines(audit).Select(l => AuditEvent.TryParse(l)!).ToList() : [];
        return (events, watch.Elapsed);
    }

    [Fact]
    public async Task A_log_jumping_from_1970_to_2026_replays_in_seconds()
    {
        // The gap itself, not the policy that would reject the 1970 line (ReplayOddTimeSpecs): both lines are let in.
        var (events, elapsed) = await ReplayAsync(o =>
        {
            o.Clock.MinPlausibleYear = 1970;
            o.Clock.MaxForwardJumpHours = 0;
        }, "1970-01-01T00:00:00+00:00", "2026-04-29T13:00:30+00:00");

        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        var baselines = events.Where(e => e.Action == AuditAction.Baseline).Select(e => e.At).ToList();
        // The minutes the 1970 line was tracked, then one recompute after the 56-year gap.
        Assert.Equal([60, 120, 180, DateTimeOffset.Parse("2026-04-29T13:00:00Z").ToUnixTimeSeconds()], baselines);
    }

    [Fact]
    public async Task A_log_whose_only_line_is_in_year_9999_replays_in_seconds()
    {
        var (_, elapsed) = await ReplayAsync("9999-12-31T23:59:59+00:00");

        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }
}

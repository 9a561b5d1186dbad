using Detector.Audit;
using Detector.Configuration;
using Detector.Ingest;
using Detector.Ingest.Clock;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;

namespace Detector.Tests.Pipeline;

/// <summary>
/// Live mode reading a backlog (<c>run --from-start</c>) whose first line is dated decades before the rest: the
/// coordinator catches up in a handful of steps and judges the traffic after it (issue 10, item 1).
/// </summary>
public sealed class LiveBacklogTimeSpecs
{
    private static readonly long Year2001 = DateTimeOffset.Parse("2001-01-01T00:00:00Z").ToUnixTimeSeconds();

    private static async Task<PipelineHarness> StartLiveAsync(DetectorOptions options) =>
        await PipelineHarness.StartAsync(options,
            clock: new EventClockSetup(ClockMode.Live, new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Start + 600))));

    private static IEnumerable<Detector.Domain.AccessLogEntry> Backlog()
    {
        foreach (var second in Seconds(Start, Start + 300)) foreach (var entry in second) yield return entry;
        foreach (var entry in Flood("203.0.113.9", Start + 300, perSecond: 300)) yield return entry;
        foreach (var second in Seconds(Start + 301, Start + 400)) foreach (var entry in second) yield return entry;
    }

    [Fact]
    public async Task A_first_line_of_2001_is_jumped_in_a_few_steps_and_the_flood_after_it_is_banned()
    {
        var options = new DetectorOptions();
        options.Clock.MaxAgeDays = 0; // let the old line in: this is about the cutter's jump, not the age policy
        await using var harness = await StartLiveAsync(options);

        await harness.FeedAsync([Entry("192.0.2.50", Year2001)]);
        foreach (var chunk in Backlog().Chunk(500)) await harness.FeedAsync(chunk);

        var events = await harness.AuditEventsAsync();
        Assert.Equal("203.0.113.9", Assert.Single(events, e => e.Action == AuditAction.Ban).Subject);
        // The 25 years between are one jump: a few BASELINE lines in 2001, not one per minute of the gap.
        Assert.InRange(events.Count(e => e.At < Start), 0, 5);
        Assert.Equal(Start + 399, harness.Stats.EventNow);
    }

    [Fact]
    public async Task With_the_defaults_lines_of_1970_and_of_years_ago_are_rejected_and_counted()
    {
        await using var harness = await StartLiveAsync(new DetectorOptions());

        await harness.FeedAsync([Entry("192.0.2.50", 0), Entry("192.0.2.50", 1), Entry("192.0.2.51", Year2001)]);
        foreach (var chunk in Backlog().Chunk(500)) await harness.FeedAsync(chunk);

        var events = await harness.AuditEventsAsync();
        Assert.Equal("203.0.113.9", Assert.Single(events, e => e.Action == AuditAction.Ban).Subject);
        Assert.All(events, e => Assert.True(e.At >= Start, $"{e} is dated before the traffic"));
        Assert.Equal(3, harness.Counters.Malformed(MalformedReason.ImplausibleTime));
    }
}

using Detector.Alerts;
using Detector.Pipeline;
using Detector.Tests.Support;
using static Detector.Tests.Support.Traffic;

namespace Detector.Tests.Alerts;

public sealed class DetectionSurgeBreadthSpecs
{
    [Fact]
    public async Task Surge_breadth_counts_distinct_and_new_sources_and_names_the_busiest()
    {
        var options = new Detector.Configuration.DetectorOptions();
        await using var harness = await PipelineHarness.StartAsync(options);
        // 20 regulars for three minutes, 51 newcomers in the last one (one of them busy); a replay publishes at minute ends.
        foreach (var batch in Seconds(Start, Start + 181, benignIps: 20, benignPeriod: 5, extra: s =>
                     s < Start + 120 ? [] : Enumerable.Range(0, 50).Where(i => (s + i) % 10 == 0).Select(i => Entry($"10.9.0.{i + 1}", s))
                         .Concat(s % 2 == 0 ? [Entry("10.9.1.1", s), Entry("10.9.1.1", s, millis: 500)] : [])))
            await harness.FeedAsync(batch);

        var breadth = new DetectionSurgeBreadth(harness.Stats).Current();

        Assert.NotNull(breadth);
        Assert.Equal(71, breadth.DistinctIps);
        Assert.Equal(51, breadth.NewIps);
        Assert.Equal("10.9.1.1", breadth.Top[0].Ip);
    }
}

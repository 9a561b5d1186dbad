using Detector.Baseline;
using Detector.IpWindows;
using static Detector.Tests.Baseline.BaselineTestOptions;
using Detector.Domain;

namespace Detector.Tests.Baseline;

/// <summary>BaselineModel's rolling statistics against direct computation over the same learned seconds.</summary>
public class BaselineModelReferenceTests
{
    private static SecondCounts RandomCounts(Random random, int scale)
    {
        var requests = random.Next(0, 5) == 0 ? 0 : random.Next(0, scale);
        var errors = requests == 0 ? 0 : random.Next(0, requests / 3 + 1);
        return new SecondCounts(requests, errors, 0, errors);
    }

    [Fact]
    public void Mean_std_std60_error_rate_and_points_match_direct_computation_over_learned_seconds()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var historyMinutes = random.Next(1, 8);
            var (baselineOptions, detectionOptions) = Raw(historyMinutes);
            var model = new BaselineModel(baselineOptions, detectionOptions);
            var reference = new BaselineReference(historyMinutes);
            var scale = random.Next(2) == 0 ? 40 : 1_000_000;
            var second = 1_700_000_000L + random.Next(0, 86_400);
            var recorded = new List<(long Second, SecondCounts Counts)>();

            var steps = random.Next(50, historyMinutes * 60 * 2);
            for (var step = 0; step < steps; step++)
            {
                second += random.Next(0, 10) == 0 ? random.Next(2, 40) : 1;
                var counts = RandomCounts(random, scale);
                var anomalous = random.Next(0, 12) == 0;
                model.RecordSecond(second, counts, anomalous);
                reference.RecordSecond(second, counts, anomalous);
                recorded.Add((second, counts));

                if (random.Next(0, 8) == 0)
                {
                    // Forget part of some earlier second, possibly one that already left the history.
                    var (past, pastCounts) = recorded[random.Next(recorded.Count)];
                    var forget = new SecondCounts(random.Next(0, pastCounts.Requests + 2), random.Next(0, pastCounts.Errors + 2), 0, 0);
                    model.Forget(past, forget);
                    reference.Forget(past, forget);
                }

                if (random.Next(0, 60) == 0 || step == steps - 1)
                {
                    var now = second + random.Next(0, 3);
                    var snapshot = model.Recompute(now);
                    var (mean, std, errorRate, points) = reference.SecondStats(now);

                    Assert.Equal(points, snapshot.Points);
                    Close(mean, snapshot.Mean, "Mean", seed);
                    Close(std, snapshot.Std, "Std", seed);
                    Close(errorRate, snapshot.ErrorRate, "ErrorRate", seed);
                    Close(reference.Std60(now), snapshot.Std60, "Std60", seed);
                    Assert.Equal(now, snapshot.ComputedAtSecond);
                    Assert.Equal(snapshot, model.Current);
                }
            }
        }
    }

    [Fact]
    public void LearnedSeconds_counts_the_learned_seconds_held_in_the_history()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var historyMinutes = random.Next(1, 4);
            var (baselineOptions, detectionOptions) = Raw(historyMinutes);
            var model = new BaselineModel(baselineOptions, detectionOptions);
            var reference = new BaselineReference(historyMinutes);
            var second = 1_000L;
            for (var step = 0; step < 400; step++)
            {
                second += random.Next(0, 20) == 0 ? random.Next(2, historyMinutes * 60 * 2) : 1;
                var anomalous = random.Next(0, 5) == 0;
                model.RecordSecond(second, new SecondCounts(1, 0, 0, 0), anomalous);
                reference.RecordSecond(second, new SecondCounts(1, 0, 0, 0), anomalous);
                Assert.Equal(reference.Learned(second).Count, model.LearnedSeconds);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IpMean_and_IpStd_match_direct_statistics_of_per_ip_rates_across_ip_minutes_in_the_history(bool robust)
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var historyMinutes = random.Next(1, 31);
            var (baselineOptions, detectionOptions) = Raw(historyMinutes);
            detectionOptions.RobustIpStatistics = robust;
            var model = new BaselineModel(baselineOptions, detectionOptions);
            var reference = new BaselineReference(historyMinutes);
            var minuteEnd = 1_700_000_040L - 1_700_000_040L % 60;
            var lastSecondConvention = random.Next(2) == 0;

            var minutes = random.Next(1, 90);
            for (var minute = 0; minute < minutes; minute++)
            {
                minuteEnd += 60 * (random.Next(0, 6) == 0 ? random.Next(2, 10) : 1);
                var reportedEnd = lastSecondConvention ? minuteEnd - 1 : minuteEnd;
                var ips = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(1, random.Next(2) == 0 ? 100 : 100_000)).ToArray();
                model.RecordIpMinute(reportedEnd, ips);
                reference.RecordIpMinute(reportedEnd, ips);
                if (random.Next(0, 4) == 0)
                {
                    // A second shard reporting the same minute.
                    var more = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(1, 500)).ToArray();
                    model.RecordIpMinute(reportedEnd, more);
                    reference.RecordIpMinute(reportedEnd, more);
                }
                model.RecordSecond(minuteEnd - 1, new SecondCounts(1, 0, 0, 0), false);

                var now = minuteEnd - 1 + random.Next(0, 60);
                var snapshot = model.Recompute(now);
                var (ipMean, ipStd) = reference.IpStats(now, robust);
                Close(ipMean, snapshot.IpMean, "IpMean", seed);
                Close(ipStd, snapshot.IpStd, "IpStd", seed);
            }
        }
    }
}
